/**
 * The test kit on the embedded servers, shared through this module's test-jar: a Kafka cluster on
 * Kafka's own test kit (the only code that touches it), a child-JVM runner, generated images, and
 * readers for topics, groups and rows.
 */
package dev.bgevl.streams.embedded.testkit;
