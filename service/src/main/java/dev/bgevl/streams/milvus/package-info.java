/** Milvus sink, search, collection setup and the safe metadata filter for BGE-VL vectors. */
package dev.bgevl.streams.milvus;
