"""The official report, the announcement poster and the Zona Integritas evidence pack."""
