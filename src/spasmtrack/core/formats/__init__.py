"""Parsers of other programs' files, free of the database: Flaredown CSV exports (`flaredown`,
`flaredown_user`), wearables (`wearables`: Apple Health, Fitbit), and the Open-Meteo weather
service's requests and answers (`open_meteo`; the app does the fetching)."""
