"""The read-only web dashboard for the people who run Kawan (`kawan dashboard`, or `/admin` on the listener)."""
