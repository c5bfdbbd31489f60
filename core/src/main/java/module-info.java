/**
 * vhd4j's core: the VHD format model, the strict parser and validator, the read engine, the
 * writer and the maintenance operations, over file-channel storage.
 *
 * <p>Only the API package {@code io.github.vhd4j} is exported. Everything under
 * {@code io.github.vhd4j.internal} stays inside the module, except the storage SPI, which is
 * exported to the memory-mapping module alone so that it can provide mapped storage.
 */
// The qualified export names a module that is compiled after this one: javac's "module not
// found" lint would otherwise fail the -Werror build.
@SuppressWarnings("module")
module io.github.vhd4j {
  // Nullness annotations only: optional at run time; transitive, so that code compiled against the
  // API sees them (the annotated signatures are part of the API).
  requires static transitive org.jspecify;

  exports io.github.vhd4j;
  exports io.github.vhd4j.internal.storage to io.github.vhd4j.mmap;

  // StorageMode.MAPPED is served by whichever module provides this (vhd4j-mmap); without one,
  // reads fall back to file channels.
  uses io.github.vhd4j.internal.storage.StorageProvider;
}
