"""The platform-neutral conversation: a message or button in, structured replies out.

Telegram, Teams and Matrix differ only in transport and rendering: each front end
turns its platform's event into an ``Incoming``, hands it to ``Conversation`` and
renders the ``Reply`` objects it gets back. No feature logic lives in a front end.
"""
