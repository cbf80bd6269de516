/** A small edXML document in the corpus's namespace layout, for signing tests. */

export interface SampleOptions {
  from?: string;
  to?: string;
  subject?: string;
  /** Extra markup appended inside edXMLHeader (before the signature). */
  headerExtra?: string;
  /** Attributes added to the root element, e.g. ` Id="doc"`. */
  rootAttributes?: string;
  attachmentBase64?: string;
}

/** An edXML document with one attachment, default namespace on the root, `edXML:` prefix on the envelope. */
export function sampleEdxml(o: SampleOptions = {}): Buffer {
  const att = o.attachmentBase64 ?? Buffer.from('Nội dung tệp đính kèm — bản thử nghiệm. '.repeat(20)).toString('base64');
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"${o.rootAttributes ?? ''}>
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From>
          <edXML:OrganId>${o.from ?? '000.00.00.G22'}</edXML:OrganId>
          <edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName>
        </edXML:From>
        <edXML:To>
          <edXML:OrganId>${o.to ?? '000.00.00.H29'}</edXML:OrganId>
          <edXML:OrganName>UBND TP Hồ Chí Minh</edXML:OrganName>
        </edXML:To>
        <edXML:DocumentId>000.00.00.G22,2026/11/23,123/VPCP-TTĐT</edXML:DocumentId>
        <edXML:Code><edXML:CodeNumber>123</edXML:CodeNumber><edXML:CodeNotation>VPCP-TTĐT</edXML:CodeNotation></edXML:Code>
        <edXML:Subject>${o.subject ?? 'Về việc triển khai trục liên thông văn bản &amp; báo cáo'}</edXML:Subject>
        <edXML:Content>Nội dung "quan trọng" &lt;khẩn&gt;</edXML:Content>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList>
        <edXML:TraceHeader><edXML:OrganId>000.00.00.G22</edXML:OrganId><edXML:Timestamp>2026/11/23 09:00:00</edXML:Timestamp></edXML:TraceHeader>
      </edXML:TraceHeaderList>${o.headerExtra ?? ''}
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0">
        <edXML:Reference>
          <edXML:ContentId>cid:att-1</edXML:ContentId>
          <edXML:ContentType>text/plain</edXML:ContentType>
          <edXML:AttachmentName>tep.txt</edXML:AttachmentName>
        </edXML:Reference>
      </edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment>
      <ContentId>att-1</ContentId>
      <AttachmentName>tep.txt</AttachmentName>
      <ContentType>text/plain</ContentType>
      <ContentTransferEncoded>${att}</ContentTransferEncoded>
    </Attachment>
  </AttachmentEncoded>
</edXML>
`);
}
