/**
 * Test fixtures other modules reuse through this module's test-jar: a schema registry over real
 * HTTP.
 */
package dev.bgevl.streams.schemas.testkit;
