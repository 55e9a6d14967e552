import Hummingbird
import NIOCore

extension Response {
    /// A short `text/plain` answer such as `404 Not Found`, never cached.
    ///
    /// For HEAD the body is left out but `Content-Length` still says how long it would be (RFC 9110 §9.3.2).
    /// - Parameters:
    ///   - status: The status; its code and reason phrase are the body.
    ///   - headers: Extra fields, such as `Allow` or `Content-Range`.
    ///   - isHead: Whether the request was HEAD.
    /// - Returns: The response.
    static func plainText(_ status: HTTPResponse.Status, headers: HTTPFields = [:], isHead: Bool) -> Response {
        let text = ByteBuffer(string: "\(status.code) \(status.reasonPhrase)\n")
        var headers = headers
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = HTTPCachePolicy.revalidate
        headers[.contentLength] = "\(text.readableBytes)"
        let body = isHead ? ResponseBody() : ResponseBody(byteBuffer: text)
        return Response(status: status, headers: headers, body: body)
    }
}
