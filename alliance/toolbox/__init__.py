"""The client's coping toolbox: skills learned, their own notes and a practice log; it stays with them after therapy ends."""
