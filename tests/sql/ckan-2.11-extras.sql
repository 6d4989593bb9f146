-- CKAN 2.9–2.11 keep dataset extras in package_extra rows (CKAN 2.12's migration
-- 106_12d64978ab44 "faster extras" folded them into package.extras and dropped the
-- table). Applied after ckan-2.12.sql, this gives the older layout.

ALTER TABLE package DROP COLUMN extras;
ALTER TABLE "group" DROP COLUMN extras;

CREATE TABLE package_extra (
    id text PRIMARY KEY,
    package_id text REFERENCES package (id),
    key text,
    value text,
    state text
);
CREATE INDEX idx_extra_pkg_id ON package_extra (package_id);
CREATE INDEX idx_extra_id_pkg_id ON package_extra (id, package_id);
