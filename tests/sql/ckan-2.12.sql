-- The tables of CKAN 2.12's database that ckan-search's PostgreSQL source reads, with
-- CKAN's column names, types, keys and the indexes CKAN creates on them (from
-- ckan/model/{package,resource,tag,vocabulary,group,package_relationship}.py and the
-- alembic migrations up to 2.12). Every column of these tables is here, including the
-- ones the source does not read (plugin_data, group.extras), so rows dumped from a real
-- CKAN database load unchanged. Other CKAN tables (users, activities, …) are left out.
--
-- For CKAN 2.9–2.11 apply ckan-2.11-extras.sql after this file: it moves extras from the
-- package.extras JSONB column back into the package_extra table.

CREATE TABLE vocabulary (
    id text PRIMARY KEY,
    name character varying(100) NOT NULL UNIQUE
);

CREATE TABLE "group" (
    id text PRIMARY KEY,
    name text NOT NULL UNIQUE,
    title text,
    description text,
    created timestamp without time zone,
    state text,
    type text NOT NULL,
    approval_status text,
    image_url text,
    is_organization boolean DEFAULT false,
    extras jsonb,
    CONSTRAINT group_flat_extras CHECK (jsonb_typeof(extras) = 'object'
        AND NOT jsonb_path_exists(extras, '$.* ? (@.type() <> "string")'))
);
CREATE INDEX idx_group_id ON "group" (id);
CREATE INDEX idx_group_name ON "group" (name);

CREATE TABLE package (
    id text PRIMARY KEY,
    name character varying(100) NOT NULL UNIQUE,
    title text,
    version character varying(100),
    url text,
    notes text,
    author text,
    author_email text,
    maintainer text,
    maintainer_email text,
    state text,
    license_id text,
    type text,
    owner_org text,
    private boolean DEFAULT false,
    metadata_modified timestamp without time zone,
    creator_user_id text,
    metadata_created timestamp without time zone,
    plugin_data jsonb,
    extras jsonb,
    CONSTRAINT package_flat_extras CHECK (jsonb_typeof(extras) = 'object'
        AND NOT jsonb_path_exists(extras, '$.* ? (@.type() <> "string")'))
);
CREATE INDEX idx_pkg_sid ON package (id, state);
CREATE INDEX idx_pkg_sname ON package (name, state);
CREATE INDEX idx_pkg_lname ON package (lower(name::text));
CREATE INDEX idx_pkg_stitle ON package (title, state);
CREATE INDEX idx_package_creator_user_id ON package (creator_user_id);

CREATE TABLE resource (
    id text PRIMARY KEY,
    url text NOT NULL,
    format text,
    description text,
    "position" integer,
    hash text,
    state text,
    extras text,
    name text,
    resource_type text,
    mimetype text,
    mimetype_inner text,
    size bigint,
    last_modified timestamp without time zone,
    cache_url text,
    cache_last_updated timestamp without time zone,
    created timestamp without time zone,
    url_type text,
    package_id text DEFAULT '' NOT NULL REFERENCES package (id),
    metadata_modified timestamp without time zone
);
CREATE INDEX idx_package_resource_id ON resource (id);
CREATE INDEX idx_package_resource_package_id ON resource (package_id);
CREATE INDEX idx_package_resource_url ON resource (url);

CREATE TABLE tag (
    id text PRIMARY KEY,
    name character varying(100) NOT NULL,
    vocabulary_id character varying(100) REFERENCES vocabulary (id),
    UNIQUE (name, vocabulary_id)
);
CREATE INDEX idx_tag_id ON tag (id);
CREATE INDEX idx_tag_name ON tag (name);

CREATE TABLE package_tag (
    id text PRIMARY KEY,
    state text,
    package_id text REFERENCES package (id),
    tag_id text REFERENCES tag (id)
);
CREATE INDEX idx_package_tag_id ON package_tag (id);
CREATE INDEX idx_package_tag_pkg_id ON package_tag (package_id);
CREATE INDEX idx_package_tag_pkg_id_tag_id ON package_tag (tag_id, package_id);

CREATE TABLE member (
    id text PRIMARY KEY,
    group_id text REFERENCES "group" (id),
    table_id text NOT NULL,
    state text,
    table_name text NOT NULL,
    capacity text NOT NULL
);
CREATE INDEX idx_group_pkg_id ON member (table_id);
CREATE INDEX idx_extra_grp_id_pkg_id ON member (group_id, table_id);
CREATE INDEX idx_package_group_id ON member (id);

CREATE TABLE package_relationship (
    id text PRIMARY KEY,
    subject_package_id text REFERENCES package (id),
    object_package_id text REFERENCES package (id),
    type text,
    comment text,
    state text
);
