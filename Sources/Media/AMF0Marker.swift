/// AMF0 type markers (AMF0 spec §2.1).
public enum AMF0Marker: UInt8, Sendable, Hashable {
    case number = 0x00
    case boolean = 0x01
    case string = 0x02
    case object = 0x03
    /// Reserved, never sent.
    case movieClip = 0x04
    case null = 0x05
    case undefined = 0x06
    case reference = 0x07
    case ecmaArray = 0x08
    case objectEnd = 0x09
    case strictArray = 0x0A
    case date = 0x0B
    case longString = 0x0C
    case unsupported = 0x0D
    /// Reserved, never sent.
    case recordSet = 0x0E
    case xmlDocument = 0x0F
    case typedObject = 0x10
    /// Switch to AMF3 for the following value (AMF0 spec §3.1).
    case avmplusObject = 0x11
}
