package io.github.vhd4j.cli;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.SizePolicy;
import io.github.vhd4j.StorageMode;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Picocli converters for the option values of this tool; a rejected value is a usage error. */
final class Converters {
  private Converters() {}

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
  static final class Policy implements ITypeConverter<SizePolicy> {
    @Override
    public SizePolicy convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "auto" -> SizePolicy.AUTO;
        case "chs" -> SizePolicy.CHS;
        case "current", "current-size" -> SizePolicy.CURRENT_SIZE;
        default -> throw new TypeConversionException(
            "expected one of auto, chs, current but was '" + value + "'");
      };
    }
  }

  /** An input format, {@code vhd} or {@code raw}. */
  static final class Storage implements ITypeConverter<StorageMode> {
    @Override
    public StorageMode convert(String value) {
      return switch (value.toLowerCase(java.util.Locale.ROOT)) {
        case "mapped", "mmap" -> StorageMode.MAPPED;
        case "filechannel", "file" -> StorageMode.FILE_CHANNEL;
        default -> throw new TypeConversionException(
            "expected one of mapped, filechannel but was '" + value + "'");
      };
    }
  }

  static final class Format implements ITypeConverter<ImageFormat> {
    @Override
    public ImageFormat convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "vhd", "vpc" -> ImageFormat.VHD;
        case "raw" -> ImageFormat.RAW;
        default -> throw new TypeConversionException("expected one of vhd, raw but was '" + value + "'");
      };
    }
  }

  /** An output format of {@code convert}; only {@code raw} exists so far. */
  static final class OutputFormat implements ITypeConverter<ConvertCommand.Output> {
    @Override
    public ConvertCommand.Output convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "raw" -> ConvertCommand.Output.RAW;
        case "fixed" -> ConvertCommand.Output.FIXED;
        case "dynamic", "vhd", "vpc" -> ConvertCommand.Output.DYNAMIC;
        default -> throw new TypeConversionException("expected one of raw, fixed, dynamic but was '" + value + "'");
      };
    }
  }

  /** A disk type for {@code create}: {@code fixed}, {@code dynamic} or {@code differencing}. */
  static final class Type implements ITypeConverter<DiskType> {
    @Override
    public DiskType convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "fixed" -> DiskType.FIXED;
        case "dynamic" -> DiskType.DYNAMIC;
        case "differencing" -> DiskType.DIFFERENCING;
        default -> throw new TypeConversionException(
            "expected one of fixed, dynamic, differencing but was '" + value + "'");
      };
    }
  }

  /** How {@code create} turns the requested size into the footer's: {@code chs} or {@code exact}. */
  static final class Mode implements ITypeConverter<SizeMode> {
    @Override
    public SizeMode convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "chs" -> SizeMode.CHS;
        case "exact" -> SizeMode.EXACT;
        default -> throw new TypeConversionException("expected one of chs, exact but was '" + value + "'");
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
