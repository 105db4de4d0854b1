/**
 * Picks and opens the encoder a model bundle needs; above both encoder implementations, so neither
 * depends on the other.
 */
package dev.bgevl.streams.encoder.runtime;
