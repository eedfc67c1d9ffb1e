"""Redis: key names, the embedded server, and the connection the app shares."""
