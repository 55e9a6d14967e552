public import NIOCore

extension ByteBuffer {
    /// Reads one AMF0 value (AMF0 spec §2), resolving references (§2.9) against the complex values
    /// decoded earlier in the same value.
    ///
    /// - Returns: The value, or `nil` when the readable bytes end before it does; then the reader
    ///   index is left unchanged so the call can be repeated once more bytes arrive.
    /// - Throws: ``AMF0DecodingError`` for malformed input or exceeded ``AMF0Limits``; the reader
    ///   index is then unchanged too.
    public mutating func readAMF0Value() throws(AMF0DecodingError) -> AMF0Value? {
        var cursor = self
        var parser = AMF0Parser()
        guard let value = try parser.parseValue(from: &cursor, depth: 0) else { return nil }
        self = cursor
        return value
    }

    /// Reads AMF0 values until no readable bytes remain, as in the body of an RTMP command or
    /// data message; references may point into earlier values of the same sequence.
    ///
    /// - Returns: All values, in order; empty for an empty buffer.
    /// - Throws: ``AMF0DecodingError/truncated`` when the last value is incomplete, or any other
    ///   ``AMF0DecodingError``; the reader index is unchanged on error.
    public mutating func readAMF0Values() throws(AMF0DecodingError) -> [AMF0Value] {
        var cursor = self
        var parser = AMF0Parser()
        var values: [AMF0Value] = []
        while cursor.readableBytes > 0 {
            let start = cursor.readerIndex
            guard let value = try parser.parseValue(from: &cursor, depth: 0) else {
                throw .truncated(at: start)
            }
            values.append(value)
        }
        self = cursor
        return values
    }

    /// Writes one AMF0 value (AMF0 spec §2). Strings longer than 65535 UTF-8 bytes use the long
    /// string form (§2.14); references are never written.
    ///
    /// - Returns: The number of bytes written.
    @discardableResult
    public mutating func writeAMF0Value(_ value: AMF0Value) -> Int {
        switch value {
        case .number(let number):
            return writeAMF0Marker(.number) + writeInteger(number.bitPattern)
        case .boolean(let flag):
            return writeAMF0Marker(.boolean) + writeInteger(UInt8(flag ? 1 : 0))
        case .string(let string):
            let length = string.utf8.count
            if length <= Int(UInt16.max) {
                return writeAMF0Marker(.string) + writeInteger(UInt16(length)) + writeString(string)
            }
            return writeAMF0Marker(.longString) + writeInteger(UInt32(truncatingIfNeeded: length))
                + writeString(string)
        case .object(let properties):
            return writeAMF0Marker(.object) + writeAMF0Properties(properties)
        case .null:
            return writeAMF0Marker(.null)
        case .undefined:
            return writeAMF0Marker(.undefined)
        case .ecmaArray(let properties):
            return writeAMF0Marker(.ecmaArray) + writeInteger(UInt32(truncatingIfNeeded: properties.count))
                + writeAMF0Properties(properties)
        case .strictArray(let elements):
            var written = writeAMF0Marker(.strictArray) + writeInteger(UInt32(truncatingIfNeeded: elements.count))
            for element in elements {
                written += writeAMF0Value(element)
            }
            return written
        case .date(let milliseconds, let timeZone):
            return writeAMF0Marker(.date) + writeInteger(milliseconds.bitPattern) + writeInteger(timeZone)
        case .typedObject(let className, let properties):
            return writeAMF0Marker(.typedObject) + writeAMF0Key(className) + writeAMF0Properties(properties)
        }
    }

    /// Writes AMF0 values back to back, as in the body of an RTMP command or data message.
    ///
    /// - Returns: The number of bytes written.
    @discardableResult
    public mutating func writeAMF0Values(_ values: [AMF0Value]) -> Int {
        // Concrete overload: the generic one is not specialized across modules and then boxes
        // every value it iterates (one allocation per value, seen in Benchmarks/AMF0).
        var written = 0
        for value in values {
            written += writeAMF0Value(value)
        }
        return written
    }

    /// Writes each value of a sequence in order.
    ///
    /// - Returns: The number of bytes written.
    @discardableResult
    public mutating func writeAMF0Values(_ values: some Sequence<AMF0Value>) -> Int {
        var written = 0
        for value in values {
            written += writeAMF0Value(value)
        }
        return written
    }

    private mutating func writeAMF0Marker(_ marker: AMF0Marker) -> Int {
        writeInteger(marker.rawValue)
    }

    /// A property name or class name: a UTF-8 string with a 16-bit length and no marker (AMF0 spec §2.4).
    /// Names longer than 65535 bytes cannot be encoded and are cut to that length.
    private mutating func writeAMF0Key(_ key: String) -> Int {
        let utf8 = key.utf8.prefix(Int(UInt16.max))
        return writeInteger(UInt16(utf8.count)) + writeBytes(utf8)
    }

    /// Properties followed by the empty name and object-end marker (AMF0 spec §2.5).
    private mutating func writeAMF0Properties(_ properties: [AMF0Property]) -> Int {
        var written = 0
        for property in properties {
            written += writeAMF0Key(property.key)
            written += writeAMF0Value(property.value)
        }
        return written + writeInteger(UInt16(0)) + writeAMF0Marker(.objectEnd)
    }
}

/// Decoding state shared by the values of one message: the reference table (AMF0 spec §2.9).
/// Every method returns `nil` as soon as the bytes run out; callers then discard the cursor.
struct AMF0Parser {
    /// A complex value a reference can point to.
    private struct Reference {
        /// `nil` while the value is still being decoded, since a value type cannot hold a cycle.
        var value: AMF0Value?
        /// How many values it holds (itself included) and how deeply complex values nest below it, so
        /// that a reference is charged for what it repeats.
        var values = 0
        var height = 0
    }

    /// Complex values in the order their markers were read (one array: one allocation per message).
    private var references: [Reference] = []
    /// Values decoded so far, those copied in by references included.
    private var valueCount = 0
    /// Values copied in by references so far (bounded by `AMF0Limits.maximumReferencedValues`).
    private var referencedValues = 0
    /// The depth of the deepest complex value decoded so far inside the one being decoded.
    private var deepest = 0

    mutating func parseValue(from buffer: inout ByteBuffer, depth: Int) throws(AMF0DecodingError) -> AMF0Value? {
        let start = buffer.readerIndex
        guard let byte = buffer.readInteger(as: UInt8.self) else { return nil }
        guard let marker = AMF0Marker(rawValue: byte) else { throw .unknownMarker(byte, at: start) }
        if marker != .reference { valueCount += 1 }
        switch marker {
        case .number:
            return buffer.readInteger(as: UInt64.self).map { .number(Double(bitPattern: $0)) }
        case .boolean:
            return buffer.readInteger(as: UInt8.self).map { .boolean($0 != 0) }
        case .string:
            return Self.parseKey(from: &buffer).map(AMF0Value.string)
        case .longString, .xmlDocument:
            return try Self.parseLongString(from: &buffer, start: start).map(AMF0Value.string)
        case .null:
            return .null
        case .undefined, .unsupported:
            return .undefined
        case .reference:
            guard let index = buffer.readInteger(as: UInt16.self) else { return nil }
            guard Int(index) < references.count, let value = references[Int(index)].value else {
                throw .invalidReference(at: start)
            }
            // A reference stands for a copy of the whole value: it must fit the same depth and size bounds
            // as if it had been written out.
            let size = references[Int(index)]
            guard depth + size.height < AMF0Limits.maximumNestingDepth else { throw .nestingTooDeep(at: start) }
            referencedValues += size.values
            guard referencedValues <= AMF0Limits.maximumReferencedValues else { throw .referencesTooLarge(at: start) }
            valueCount += size.values
            deepest = max(deepest, depth + size.height)
            return value
        case .date:
            guard let (milliseconds, timeZone) = buffer.readMultipleIntegers(as: (UInt64, Int16).self) else {
                return nil
            }
            return .date(milliseconds: Double(bitPattern: milliseconds), timeZone: timeZone)
        case .object, .ecmaArray, .strictArray, .typedObject:
            return try parseComplex(marker, from: &buffer, depth: depth, start: start)
        case .objectEnd:
            throw .unexpectedObjectEnd(at: start)
        case .movieClip, .recordSet, .avmplusObject:
            throw .unsupportedMarker(byte, at: start)
        }
    }

    /// Objects, ECMA arrays, strict arrays and typed objects: the values that take a reference slot.
    private mutating func parseComplex(
        _ marker: AMF0Marker, from buffer: inout ByteBuffer, depth: Int, start: Int
    ) throws(AMF0DecodingError) -> AMF0Value? {
        guard depth < AMF0Limits.maximumNestingDepth else { throw .nestingTooDeep(at: start) }
        let slot = references.count
        references.append(Reference(value: nil))
        let valuesBefore = valueCount - 1
        let outerDeepest = deepest
        deepest = depth
        defer { deepest = max(outerDeepest, deepest) }
        let value: AMF0Value
        switch marker {
        case .object:
            guard let properties = try parseProperties(from: &buffer, depth: depth) else { return nil }
            value = .object(properties)
        case .ecmaArray:
            // The associative count is only a hint that some encoders get wrong; the end marker decides.
            guard buffer.readInteger(as: UInt32.self) != nil,
                let properties = try parseProperties(from: &buffer, depth: depth)
            else { return nil }
            value = .ecmaArray(properties)
        case .typedObject:
            guard let className = Self.parseKey(from: &buffer),
                let properties = try parseProperties(from: &buffer, depth: depth)
            else { return nil }
            value = .typedObject(className: className, properties: properties)
        default:
            guard let elements = try parseStrictArray(from: &buffer, depth: depth, start: start) else { return nil }
            value = .strictArray(elements)
        }
        references[slot] = Reference(value: value, values: valueCount - valuesBefore, height: deepest - depth)
        return value
    }

    private mutating func parseProperties(
        from buffer: inout ByteBuffer, depth: Int
    ) throws(AMF0DecodingError) -> [AMF0Property]? {
        var properties: [AMF0Property] = []
        while true {
            guard let key = Self.parseKey(from: &buffer) else { return nil }
            if key.isEmpty {
                // An empty name followed by 0x09 ends the object; before any other marker it is
                // just a property with an empty name.
                guard let next = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
                if next == AMF0Marker.objectEnd.rawValue {
                    buffer.moveReaderIndex(forwardBy: 1)
                    return properties
                }
            }
            guard let value = try parseValue(from: &buffer, depth: depth + 1) else { return nil }
            properties.append(AMF0Property(key, value))
        }
    }

    private mutating func parseStrictArray(
        from buffer: inout ByteBuffer, depth: Int, start: Int
    ) throws(AMF0DecodingError) -> [AMF0Value]? {
        guard let count = buffer.readInteger(as: UInt32.self) else { return nil }
        guard count <= AMF0Limits.maximumLength else { throw .lengthTooLarge(at: start) }
        var elements: [AMF0Value] = []
        // Every element takes at least one byte, so the readable bytes bound what is worth reserving.
        elements.reserveCapacity(min(Int(count), buffer.readableBytes))
        for _ in 0..<count {
            guard let element = try parseValue(from: &buffer, depth: depth + 1) else { return nil }
            elements.append(element)
        }
        return elements
    }

    /// A UTF-8 string with a 16-bit length (AMF0 spec §2.4); invalid UTF-8 is repaired, not rejected.
    private static func parseKey(from buffer: inout ByteBuffer) -> String? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
            buffer.readableBytes >= 2 + Int(length)
        else { return nil }
        buffer.moveReaderIndex(forwardBy: 2)
        return buffer.readString(length: Int(length))
    }

    /// A UTF-8 string with a 32-bit length (AMF0 spec §2.14, and §2.17 for XML documents).
    private static func parseLongString(
        from buffer: inout ByteBuffer, start: Int
    ) throws(AMF0DecodingError) -> String? {
        guard let length = buffer.readInteger(as: UInt32.self) else { return nil }
        guard length <= AMF0Limits.maximumLength else { throw .lengthTooLarge(at: start) }
        return buffer.readString(length: Int(length))
    }
}
