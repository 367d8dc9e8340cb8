-- The frame log's chunks are written deflated (raw DEFLATE, RFC 1951): heartbeats and status
-- frames shrink about six-fold, which cuts the database's write work (WAL, TOAST) by as much on
-- the hot path. Chunks written before this migration keep their text.
ALTER TABLE frame_chunks ADD COLUMN frames_deflated bytea;
ALTER TABLE frame_chunks ALTER COLUMN frames DROP NOT NULL;
ALTER TABLE frame_chunks ADD CONSTRAINT frame_chunks_one_body CHECK ((frames IS NULL) <> (frames_deflated IS NULL));
-- Already compressed: PostgreSQL's own compression would only burn CPU.
ALTER TABLE frame_chunks ALTER COLUMN frames_deflated SET STORAGE EXTERNAL;
