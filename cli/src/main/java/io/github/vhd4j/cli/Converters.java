package io.github.vhd4j.cli;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.SizePolicy;
import io.github.vhd4j.StorageMode;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Picocli converters for the option values of this tool; a rejected value is a usage error. The
 * converters of named values are also the options' completion candidates (an {@link Iterable} of
 * the names): picocli would otherwise offer the enum constants, upper case, which are not what
 * the converters accept in every case ({@code CURRENT_SIZE}).
 */
final class Converters {
  private Converters() {}

  /** The names a converter accepts, as shell completion offers them. */
  private abstract static class Names implements Iterable<String> {
    private final List<String> names;

    Names(String... names) {
      this.names = List.of(names);
    }

    @Override
    public Iterator<String> iterator() {
      return names.iterator();
    }

    /** The usage error for a value that is none of the names. */
    TypeConversionException unknown(String value) {
      return new TypeConversionException("expected one of " + String.join(", ", names) + " but was '" + value + "'");
    }
  }

  /** A byte count with an optional {@code K M G T} suffix. */
  static final class Size implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Sizes.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code auto}, {@code chs} or {@code current}. */
  static final class Policy extends Names implements ITypeConverter<SizePolicy> {
    Policy() {
      super("auto", "chs", "current");
    }

    @Override
    public SizePolicy convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "auto" -> SizePolicy.AUTO;
        case "chs" -> SizePolicy.CHS;
        case "current", "current-size" -> SizePolicy.CURRENT_SIZE;
        default -> throw unknown(value);
      };
    }
  }

  /** How image files are read: {@code mapped} or {@code filechannel}. */
  static final class Storage extends Names implements ITypeConverter<StorageMode> {
    Storage() {
      super("mapped", "filechannel");
    }

    @Override
    public StorageMode convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "mapped", "mmap" -> StorageMode.MAPPED;
        case "filechannel", "file" -> StorageMode.FILE_CHANNEL;
        default -> throw unknown(value);
      };
    }
  }

  /** An input format, {@code vhd}, {@code vhdx} or {@code raw}. */
  static final class Format extends Names implements ITypeConverter<ImageFormat> {
    Format() {
      super("vhd", "vhdx", "raw");
    }

    @Override
    public ImageFormat convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "vhd", "vpc" -> ImageFormat.VHD;
        case "vhdx" -> ImageFormat.VHDX;
        case "raw" -> ImageFormat.RAW;
        default -> throw unknown(value);
      };
    }
  }

  /** An output format of {@code convert}: {@code raw}, {@code fixed} or {@code dynamic}. */
  static final class OutputFormat extends Names implements ITypeConverter<ConvertCommand.Output> {
    OutputFormat() {
      super("raw", "fixed", "dynamic");
    }

    @Override
    public ConvertCommand.Output convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "raw" -> ConvertCommand.Output.RAW;
        case "fixed" -> ConvertCommand.Output.FIXED;
        case "dynamic", "vhd", "vpc" -> ConvertCommand.Output.DYNAMIC;
        default -> throw unknown(value);
      };
    }
  }

  /** A disk type for {@code create}: {@code fixed}, {@code dynamic} or {@code differencing}. */
  static final class Type extends Names implements ITypeConverter<DiskType> {
    Type() {
      super("fixed", "dynamic", "differencing");
    }

    @Override
    public DiskType convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "fixed" -> DiskType.FIXED;
        case "dynamic" -> DiskType.DYNAMIC;
        case "differencing" -> DiskType.DIFFERENCING;
        default -> throw unknown(value);
      };
    }
  }

  /** How {@code create} turns the requested size into the footer's: {@code chs} or {@code exact}. */
  static final class Mode extends Names implements ITypeConverter<SizeMode> {
    Mode() {
      super("chs", "exact");
    }

    @Override
    public SizeMode convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "chs" -> SizeMode.CHS;
        case "exact" -> SizeMode.EXACT;
        default -> throw unknown(value);
      };
    }
  }

  /** Spells a size policy as the command line and the JSON output do. */
  static String name(SizePolicy policy) {
    return switch (policy) {
      case AUTO -> "auto";
      case CHS -> "chs";
      case CURRENT_SIZE -> "current";
    };
  }
}
