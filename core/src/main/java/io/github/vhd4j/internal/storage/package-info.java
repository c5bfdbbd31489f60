/** Storage back ends of the engine. Not API; may change at any time. */
@NullMarked
package io.github.vhd4j.internal.storage;

import org.jspecify.annotations.NullMarked;
