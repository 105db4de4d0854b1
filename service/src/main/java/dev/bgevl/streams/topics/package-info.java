/** Every topic the service reads or writes, named once, below both applications that use them. */
package dev.bgevl.streams.topics;
