/**
 * Micro-batching: merges single encode requests from many threads into device-sized batches, with a
 * priority lane, deadlines and back-pressure.
 */
package dev.bgevl.streams.encoder.batch;
