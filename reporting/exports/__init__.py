"""Excel and CSV exports of SPAK/SPKP results, built in the background and served from a download centre."""
