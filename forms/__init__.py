"""WTForms classes and Japanese validators: one form per screen and per BPMN form key.

No database writes here. Messages come from membership.messages, in the language that the web
layer installs with `set_language_provider`.
"""
