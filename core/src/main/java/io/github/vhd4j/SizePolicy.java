package io.github.vhd4j;

/**
 * How the virtual size is derived from the footer, which records it twice: as a CHS geometry
 * (offset 56) and as the current size (offset 48). Tools disagree about which one counts.
 *
 * <p>Whatever the policy, reads never go past the current size: when the chosen CHS size is
 * larger, the current size bounds the disk and a {@link ProblemCode#FOOTER_GEOMETRY} warning is
 * reported.
 */
public enum SizePolicy {
  /**
   * QEMU 10's rule: the CHS size for images whose creator application is {@code "vpc "} (Virtual
   * PC) or {@code "qemu"}, the current size for every other creator and whenever the geometry is
   * the maximum 65535/16/255.
   */
  AUTO,
  /** The CHS size, except for the maximum geometry (then the current size, like QEMU). */
  CHS,
  /** The current size (footer offset 48), as Hyper-V, Azure and most tools use it. */
  CURRENT_SIZE
}
