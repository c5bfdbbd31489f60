package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Size arguments and qemu-img-style size formatting. */
class SizesTest {
  @ParameterizedTest
  @CsvSource({"0,0", "512,512", "1K,1024", "4k,4096", "1M,1048576", "3m,3145728", "2G,2147483648",
      "1T,1099511627776", "8388607T,9223370937343148032"})
  void shouldParseBytesAndBinarySuffixes(String text, long bytes) {
    assertEquals(bytes, Sizes.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1", "-1M", "1X", "M", "1.5M", "0x10", "1MB", "8388608T", "99999999999999999999"})
  void shouldRejectMalformedNegativeOrOverflowingSizes(String text) {
    assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
  }

  /** Expected strings taken from qemu-img 7.2 info on raw files of these sizes. */
  @ParameterizedTest
  @CsvSource({"0,0 B", "512,512 B", "1024,1 KiB", "1536,1.5 KiB", "1024000,0.977 MiB", "10485760,10 MiB",
      "67125248,64 MiB", "4206592,4.01 MiB", "1099511627776,1 TiB"})
  void shouldFormatLikeQemuImg(long bytes, String text) {
    assertEquals(text, Sizes.human(bytes));
  }

  @ParameterizedTest
  @CsvSource({"0,0", "1,0x1", "4096,0x1000", "2097152,0x200000"})
  void shouldFormatHexLikeCAlternateForm(long v, String text) {
    assertEquals(text, Sizes.hex(v));
  }
}
