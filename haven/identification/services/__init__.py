"""Identification writes, one module per concern. Import the module you need:
``from haven.identification.services import screening as screening_services``."""
