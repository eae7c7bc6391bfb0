-- A product's model line (issue #15, "one model, one result"): the products that are one model in
-- several colourways or configurations share it (e.g. every Surface Laptop 5), and search shows
-- them as one result with swatches. NULL: a product of its own.
ALTER TABLE products
  ADD COLUMN model_line VARCHAR(100) NULL AFTER brand_id,
  ADD KEY ix_products_model_line (model_line);
