/* intentionally empty: replaces a folium/branca asset the book maps do not use */
