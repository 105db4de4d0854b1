/**
 * The query application: retrieval-requests in, exactly one retrieval reply out per request, errors
 * included.
 */
package dev.bgevl.streams.query;
