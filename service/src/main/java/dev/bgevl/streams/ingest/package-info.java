/**
 * The ingest application: media-events in; vectors upserted to Milvus and written to media-vectors;
 * bad events dead-lettered.
 */
package dev.bgevl.streams.ingest;
