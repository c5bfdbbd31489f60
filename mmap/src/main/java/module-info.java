/**
 * Memory-mapped storage for the vhd4j engine: {@link io.github.vhd4j.mmap.MappedStorage} selects
 * it, and the core module finds it as a service provider.
 */
module io.github.vhd4j.mmap {
  // MappedStorage.options() returns core's OpenOptions: users of this module need core's API too.
  requires transitive io.github.vhd4j;
  requires static transitive org.jspecify;
  // sun.misc.Unsafe#invokeCleaner unmaps at close on JDK 17 to 21 (Unmapper); without this
  // requirement a modular application would not resolve the module and mappings would wait for
  // the garbage collector.
  requires jdk.unsupported;

  exports io.github.vhd4j.mmap;

  provides io.github.vhd4j.internal.storage.StorageProvider
      with io.github.vhd4j.mmap.internal.MappedStorageProvider;
}
