// webtorrent's simple-peer imports these names; Flux uses webtorrent over TCP only, so any WebRTC use fails loudly.
class Unavailable {
  constructor() {
    throw new Error('WebRTC is not available in this build (webrtc-polyfill is stubbed: TCP peers only)');
  }
}
export class RTCPeerConnection extends Unavailable {}
export class RTCSessionDescription extends Unavailable {}
export class RTCIceCandidate extends Unavailable {}
export default { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate };
