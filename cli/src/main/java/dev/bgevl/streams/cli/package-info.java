/**
 * The command line: one class per command; flags and APP_ environment variables become the config
 * records here and nowhere else.
 */
package dev.bgevl.streams.cli;
