ALTER TABLE "line_items" RENAME TO "order_lines";
ALTER SEQUENCE "line_items_id_seq" RENAME TO "order_lines_id_seq";
ALTER INDEX "line_items_pkey" RENAME TO "order_lines_pkey";
