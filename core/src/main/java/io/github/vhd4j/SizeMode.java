package io.github.vhd4j;

/** How {@link Vhd#create} turns a requested size into the footer's size fields ({@link CreateOptions#sizeMode()}). */
public enum SizeMode {
  /**
   * The size is rounded up to the next size a CHS geometry can address exactly (as {@code
   * qemu-img create -f vpc} does), and current size and geometry agree, so that every reader,
   * Virtual PC's CHS rule included, sees the same disk. Above the largest geometry (about 127 GiB)
   * the geometry is 65535/16/255 and the size is the requested one.
   */
  CHS,
  /**
   * The current size is exactly the requested size (a whole number of sectors), as qemu-img's
   * {@code force_size} and Hyper-V make it. The geometry is the one that addresses exactly that
   * size when there is one, else the maximum 65535/16/255, which tells readers to use the current
   * size.
   */
  EXACT
}
