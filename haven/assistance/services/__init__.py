"""Assistance writes, one module per concern. Import the module you need:
``from haven.assistance.services import plans as plan_services``."""
