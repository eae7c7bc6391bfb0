-- Categories: a tree of any depth. `path` is the materialised path of ids ("/1/4/17/"), so a
-- category with all its descendants is one indexed prefix scan: path LIKE '/1/4/%'.
CREATE TABLE categories (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  parent_id   BIGINT UNSIGNED NULL,
  slug        VARCHAR(120) NOT NULL,
  name        VARCHAR(200) NOT NULL,
  position    INT NOT NULL DEFAULT 0,
  depth       INT NOT NULL DEFAULT 0,
  path        VARCHAR(1000) NOT NULL,
  version     INT UNSIGNED NOT NULL DEFAULT 1,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_categories_slug (slug),
  KEY ix_categories_path (path(255)),
  KEY ix_categories_parent (parent_id, position),
  CONSTRAINT fk_categories_parent FOREIGN KEY (parent_id) REFERENCES categories (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE brands (
  id    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug  VARCHAR(120) NOT NULL,
  name  VARCHAR(200) NOT NULL,
  UNIQUE KEY uq_brands_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A product type declares the typed specifications its products carry.
CREATE TABLE product_types (
  id    BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code  VARCHAR(64) NOT NULL,
  name  VARCHAR(200) NOT NULL,
  UNIQUE KEY uq_product_types_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE spec_defs (
  product_type_id  BIGINT UNSIGNED NOT NULL,
  spec_key         VARCHAR(64) NOT NULL,
  name             VARCHAR(200) NOT NULL,
  kind             ENUM('number','text','bool') NOT NULL,
  unit             VARCHAR(16) NULL,
  required         BOOLEAN NOT NULL DEFAULT FALSE,
  position         INT NOT NULL DEFAULT 0,
  PRIMARY KEY (product_type_id, spec_key),
  CONSTRAINT fk_spec_defs_type FOREIGN KEY (product_type_id) REFERENCES product_types (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE products (
  id                CHAR(36) NOT NULL PRIMARY KEY,
  slug              VARCHAR(200) NOT NULL,
  title             VARCHAR(300) NOT NULL,
  description_md    TEXT NOT NULL,
  description_html  TEXT NOT NULL,
  description_text  TEXT NOT NULL,
  brand_id          BIGINT UNSIGNED NULL,
  product_type_id   BIGINT UNSIGNED NOT NULL,
  category_id       BIGINT UNSIGNED NOT NULL,
  status            ENUM('draft','active','archived') NOT NULL DEFAULT 'draft',
  currency          CHAR(3) NOT NULL,
  price_min_minor   BIGINT NULL,
  price_max_minor   BIGINT NULL,
  -- SKUs with available > 0, kept by every stock change in the same transaction; in_stock = available_skus > 0.
  available_skus    INT NOT NULL DEFAULT 0,
  version           INT UNSIGNED NOT NULL DEFAULT 1,
  created_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_products_slug (slug),
  KEY ix_products_category (category_id, status),
  KEY ix_products_price (status, price_min_minor),
  KEY ix_products_newest (status, created_at),
  KEY ix_products_title (status, title(100)),
  CONSTRAINT fk_products_brand FOREIGN KEY (brand_id) REFERENCES brands (id),
  CONSTRAINT fk_products_type FOREIGN KEY (product_type_id) REFERENCES product_types (id),
  CONSTRAINT fk_products_category FOREIGN KEY (category_id) REFERENCES categories (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One typed value per (product, spec): exactly one of the value_* columns is set, per spec_defs.kind.
CREATE TABLE product_specs (
  product_id  CHAR(36) NOT NULL,
  spec_key    VARCHAR(64) NOT NULL,
  value_num   DECIMAL(20,6) NULL,
  value_text  VARCHAR(500) NULL,
  value_bool  BOOLEAN NULL,
  PRIMARY KEY (product_id, spec_key),
  CONSTRAINT fk_product_specs_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A variant is a SKU: option values (JSON object name -> value), its own price.
CREATE TABLE variants (
  sku          VARCHAR(64) NOT NULL PRIMARY KEY,
  product_id   CHAR(36) NOT NULL,
  options      TEXT NOT NULL,
  price_minor  BIGINT NOT NULL,
  currency     CHAR(3) NOT NULL,
  position     INT NOT NULL DEFAULT 0,
  created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_variants_product (product_id, position),
  CONSTRAINT fk_variants_product FOREIGN KEY (product_id) REFERENCES products (id),
  CONSTRAINT ck_variants_price CHECK (price_minor >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE images (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  product_id  CHAR(36) NOT NULL,
  position    INT NOT NULL DEFAULT 0,
  alt         VARCHAR(300) NOT NULL DEFAULT '',
  width       INT NOT NULL,
  height      INT NOT NULL,
  path        VARCHAR(300) NOT NULL,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_images_product (product_id, position),
  CONSTRAINT fk_images_product FOREIGN KEY (product_id) REFERENCES products (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Inventory per SKU. available = on_hand - reserved, never negative (CHECK).
CREATE TABLE stock (
  sku         VARCHAR(64) NOT NULL PRIMARY KEY,
  product_id  CHAR(36) NOT NULL,
  on_hand     INT NOT NULL DEFAULT 0,
  reserved    INT NOT NULL DEFAULT 0,
  version     INT UNSIGNED NOT NULL DEFAULT 1,
  updated_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_stock_product (product_id),
  CONSTRAINT fk_stock_variant FOREIGN KEY (sku) REFERENCES variants (sku),
  CONSTRAINT ck_stock_nonneg CHECK (on_hand >= 0 AND reserved >= 0 AND reserved <= on_hand)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A reservation holds the lines of one order (idempotency key: order_id).
CREATE TABLE reservations (
  order_id    VARCHAR(64) NOT NULL PRIMARY KEY,
  status      ENUM('reserved','committed','released') NOT NULL,
  reason      VARCHAR(32) NULL,
  expires_at  DATETIME(3) NOT NULL,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_reservations_expiry (status, expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE reservation_lines (
  order_id  VARCHAR(64) NOT NULL,
  sku       VARCHAR(64) NOT NULL,
  quantity  INT NOT NULL,
  PRIMARY KEY (order_id, sku),
  CONSTRAINT fk_reservation_lines_order FOREIGN KEY (order_id) REFERENCES reservations (order_id),
  CONSTRAINT ck_reservation_lines_qty CHECK (quantity > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
