/**
 * The service's face for people: the search page, the thumbnails of indexed images (any instance
 * answers for any id), and the JSON search call the page makes, which goes through the same
 * request/reply topics as every Kafka client.
 */
package dev.bgevl.streams.web;
