package io.github.vhd4j.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.VhdxLogState;
import io.github.vhd4j.VhdxParentLocator;
import io.github.vhd4j.VhdxRegion;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The VHDX part of {@code vhd info}: the structures of a VHDX file, as text and as JSON. */
final class VhdxInfo {
  private VhdxInfo() {}

  /** Sequence numbers are unsigned 64-bit; JSON numbers carry them exactly. */
  private static BigInteger unsigned(long v) {
    return new BigInteger(Long.toUnsignedString(v));
  }

  private static String fileName(VhdxImage img) {
    Path p = img.getPath();
    return p == null ? img.getResource() : p.toString();
  }

  static void json(VhdxImage img, JsonGenerator g) throws IOException {
    g.writeNumberField("cluster-size", img.getBlockSize());
    g.writeNumberField("logical-sector-size", img.getLogicalSectorSize());
    g.writeNumberField("physical-sector-size", img.getPhysicalSectorSize());
    g.writeStringField("creator", img.getCreator());
    g.writeStringField("virtual-disk-id", img.getMetadata().virtualDiskId().toString());
    VhdxHeader current = img.getHeader();
    g.writeStringField("data-write-guid", current.dataWriteGuid().toString());
    g.writeStringField("file-write-guid", current.fileWriteGuid().toString());
    g.writeArrayFieldStart("headers");
    for (VhdxHeader h : img.getHeaders()) {
      g.writeStartObject();
      g.writeNumberField("copy", h.copy());
      g.writeBooleanField("valid", h.valid());
      g.writeBooleanField("current", h.current());
      g.writeNumberField("sequence-number", unsigned(h.sequenceNumber()));
      g.writeEndObject();
    }
    g.writeEndArray();
    VhdxLogState log = img.getLogState();
    g.writeObjectFieldStart("log");
    g.writeStringField("guid", log.logGuid().toString());
    g.writeNumberField("offset", log.offset());
    g.writeNumberField("length", log.length());
    g.writeBooleanField("dirty", log.dirty());
    g.writeBooleanField("replayed-in-memory", log.replayedInMemory());
    g.writeNumberField("entries", log.entries());
    g.writeNumberField("first-sequence", unsigned(log.firstSequence()));
    g.writeNumberField("last-sequence", unsigned(log.lastSequence()));
    g.writeNumberField("bytes", log.bytes());
    g.writeEndObject();
    g.writeArrayFieldStart("regions");
    for (VhdxRegion r : img.getRegions()) {
      g.writeStartObject();
      g.writeStringField("name", r.name());
      g.writeStringField("guid", r.guid().toString());
      g.writeNumberField("offset", r.fileOffset());
      g.writeNumberField("length", r.length());
      g.writeBooleanField("required", r.required());
      g.writeEndObject();
    }
    g.writeEndArray();
    VhdxParentLocator loc = img.getParentLocator();
    if (loc != null) {
      g.writeObjectFieldStart("parent");
      g.writeObjectFieldStart("locator-entries");
      for (Map.Entry<String, String> e : loc.entries().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      ParentResolution r = img.getParentResolution();
      if (r != null) {
        g.writeStringField("path", r.location());
        // The same key and meaning as a VHD's: what found the parent (here a locator key).
        g.writeStringField("locator", r.source());
      }
      g.writeEndObject();
      g.writeArrayFieldStart("backing-chain");
      List<VhdxImage> chain = img.getChain();
      for (VhdxImage ancestor : chain.subList(1, chain.size())) {
        g.writeStartObject();
        g.writeStringField("filename", fileName(ancestor));
        g.writeStringField("disk-type", InfoCommand.diskType(ancestor.getDiskType()));
        g.writeNumberField("virtual-size", ancestor.getSize());
        g.writeStringField("data-write-guid", ancestor.getHeader().dataWriteGuid().toString());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
  }

  static void text(VhdxImage img, PrintStream o) {
    // qemu-img's key and bare number first, so that scripts written for its output still read it.
    o.println("cluster_size: " + img.getBlockSize() + " (" + Sizes.human(img.getBlockSize()) + ")");
    o.println("sector size: " + img.getLogicalSectorSize() + " logical, " + img.getPhysicalSectorSize()
        + " physical");
    o.println("creator: " + Errors.oneLine(img.getCreator()));
    o.println("virtual disk id: " + img.getMetadata().virtualDiskId());
    VhdxHeader current = img.getHeader();
    o.println("data write guid: " + current.dataWriteGuid());
    StringBuilder headers = new StringBuilder("headers:");
    for (VhdxHeader h : img.getHeaders()) {
      headers.append(' ').append(h.copy()).append(h.valid() ? " seq " + Long.toUnsignedString(h.sequenceNumber())
          : " damaged").append(h.current() ? " (current)" : "").append(h.copy() == 1 ? "," : "");
    }
    o.println(headers);
    VhdxLogState log = img.getLogState();
    if (!log.dirty()) {
      o.println("log: clean (" + Sizes.human(log.length()) + " at " + log.offset() + ")");
    } else {
      o.println("log: dirty, " + (log.replayedInMemory() ? "replayed in memory (" + log.entries()
          + " entries, sequence " + Long.toUnsignedString(log.firstSequence()) + " to "
          + Long.toUnsignedString(log.lastSequence()) + ", " + log.bytes() + " bytes); the file is unchanged,"
          + " vhd repair replays it into the file" : "not replayed"));
    }
    VhdxParentLocator loc = img.getParentLocator();
    if (loc != null) {
      for (Map.Entry<String, String> e : loc.entries().entrySet()) {
        o.println("parent " + e.getKey() + ": " + Errors.oneLine(e.getValue()));
      }
      ParentResolution r = img.getParentResolution();
      if (r != null) {
        o.println("backing file: " + Errors.oneLine(r.location()) + " (found by " + r.source() + ")");
      }
      o.println("backing chain:");
      List<VhdxImage> chain = img.getChain();
      for (VhdxImage ancestor : chain.subList(1, chain.size())) {
        o.println("    " + Errors.oneLine(fileName(ancestor)) + ": " + InfoCommand.diskType(ancestor.getDiskType())
            + ", " + Sizes.humanExact(ancestor.getSize()) + ", data write guid "
            + ancestor.getHeader().dataWriteGuid());
      }
    }
  }
}
