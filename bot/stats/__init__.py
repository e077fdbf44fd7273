"""Weekly sales statistics: Shutterstock level tables and progress."""
