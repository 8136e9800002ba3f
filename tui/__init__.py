"""The Textual front end (issue 6). Not built yet: nothing here claims to work."""
