"""The communication log and plan (7.4): filled by the communication register."""
