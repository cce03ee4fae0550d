-- Searches on the help center that found nothing or few articles, counted
-- per day, locale and query text, for formhandler searches. Nothing about
-- who searched is kept: no address, no time of day, no other field.

CREATE TABLE search_misses (
	day INTEGER NOT NULL,
	locale TEXT NOT NULL,
	query TEXT NOT NULL,
	found_none INTEGER NOT NULL,
	found_few INTEGER NOT NULL,
	PRIMARY KEY (day, locale, query));
