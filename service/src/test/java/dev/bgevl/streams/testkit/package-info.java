/** JUnit 5 fixtures for integration tests: a real in-process Kafka cluster and Milvus Lite. */
package dev.bgevl.streams.testkit;
