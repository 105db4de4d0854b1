/**
 * What a failure means — transient, rejected input (with its reason), expired, or a bug — decided
 * in one place.
 */
package dev.bgevl.streams.failure;
