/// A value of Action Message Format 0 (AMF0 spec §2).
///
/// Objects and ECMA arrays keep their keys in wire order: RTMP peers (FMLE, OBS) read
/// `connect` properties positionally in places, and metadata round-trips must not reorder.
/// Long strings (0x0C) decode to `.string`; the encoder picks the long form when a string
/// does not fit in 16 bits. References (0x07) are resolved while decoding.
public enum AMF0Value: Sendable, Hashable {
    case number(Double)
    case boolean(Bool)
    case string(String)
    case object([AMF0Property])
    case null
    case undefined
    case ecmaArray([AMF0Property])
    case strictArray([AMF0Value])
    /// Milliseconds since the Unix epoch, and the (deprecated, usually 0) time-zone offset in minutes.
    case date(milliseconds: Double, timeZone: Int16)
    /// A typed object (0x10): class name plus properties.
    case typedObject(className: String, properties: [AMF0Property])
}

/// One key/value pair of an AMF0 object or ECMA array, in wire order.
public struct AMF0Property: Sendable, Hashable {
    public var key: String
    public var value: AMF0Value

    public init(_ key: String, _ value: AMF0Value) {
        self.key = key
        self.value = value
    }
}

extension AMF0Value {
    /// The property named `key` of an object, ECMA array or typed object; `nil` otherwise.
    public subscript(key: String) -> AMF0Value? {
        switch self {
        case .object(let properties), .ecmaArray(let properties), .typedObject(_, let properties):
            return properties.first(where: { $0.key == key })?.value
        default:
            return nil
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    /// The properties of an object-like value, in wire order.
    public var properties: [AMF0Property]? {
        switch self {
        case .object(let properties), .ecmaArray(let properties), .typedObject(_, let properties):
            return properties
        default:
            return nil
        }
    }
}
