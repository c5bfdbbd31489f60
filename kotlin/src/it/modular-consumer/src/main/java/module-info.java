/** A user's module: vhd4j's API and memory-mapped storage, nothing else. */
module com.example.modular {
  requires io.github.vhd4j;
  requires io.github.vhd4j.mmap;
}
