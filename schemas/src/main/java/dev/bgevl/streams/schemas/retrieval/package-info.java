/**
 * Retrieval contracts generated from {@code src/main/avro/retrieval} and {@code common}: requests,
 * replies, hits and reply statuses.
 */
package dev.bgevl.streams.schemas.retrieval;
