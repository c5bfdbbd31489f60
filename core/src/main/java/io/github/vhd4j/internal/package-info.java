/** Implementation: parser, validation, read engine, chains. Not API; may change at any time. */
@NullMarked
package io.github.vhd4j.internal;

import org.jspecify.annotations.NullMarked;
