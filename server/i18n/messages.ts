/**
 * What the server says to people: error messages in Vietnamese first and
 * English second, picked per request (the `lang` cookie, then Accept-Language).
 */
import type { Locale } from '../contract/identity.ts';
import type { ValidationIssue } from '../contract/validation.ts';

export const errorMessages = {
  validation: { vi: 'Dữ liệu không hợp lệ', en: 'Invalid input' },
  unauthenticated: { vi: 'Bạn cần đăng nhập để tiếp tục', en: 'Please log in to continue' },
  loginFailed: { vi: 'Tên đăng nhập hoặc mật khẩu không đúng', en: 'Wrong username or password' },
  loginThrottled: {
    vi: 'Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút',
    en: 'Too many failed logins. Please try again in {minutes} minutes',
  },
  forbidden: { vi: 'Bạn không có quyền thực hiện thao tác này', en: 'You are not allowed to do this' },
  crossSite: { vi: 'Yêu cầu từ trang khác bị từ chối', en: 'Cross-site request refused' },
  notFound: { vi: 'Không tìm thấy', en: 'Not found' },
  // — e-mail queue (issue 12, sending) —
  mailNotFailed: { vi: 'Chỉ gửi lại được thư đã gửi thất bại', en: 'Only a failed e-mail can be sent again' },
  routeNotFound: { vi: 'Không có địa chỉ này', en: 'No such address' },
  unknownEvent: { vi: 'Máy chủ không hiểu yêu cầu này', en: 'The server does not know this request' },
  unavailable: { vi: 'Máy chủ đang chuyển hội nghị, vui lòng thử lại sau giây lát', en: 'The conference is moving to another server; please try again in a moment' },
  unitNotFound: { vi: 'Không tìm thấy đơn vị', en: 'Unit not found' },
  mediaNodeNotFound: { vi: 'Không có máy chủ truyền hình (media node) này trong cấu hình', en: 'No such media node is configured' },
  // reports
  reportPeriodInvalid: { vi: 'Ngày kết thúc phải sau ngày bắt đầu', en: 'The period must end after it starts' },
  reportPeriodTooLong: { vi: 'Chỉ lập báo cáo cho tối đa 10 năm', en: 'A report covers at most ten years' },
  userNotFound: { vi: 'Không tìm thấy người dùng', en: 'User not found' },
  parentUnitNotFound: { vi: 'Không tìm thấy đơn vị cấp trên', en: 'Parent unit not found' },
  unitLevelMismatch: {
    vi: 'Cấp đơn vị không phù hợp với đơn vị cấp trên: huyện thuộc tỉnh, xã thuộc tỉnh hoặc huyện (hoặc cơ quan cùng cấp); không đơn vị nào thuộc cấp dưới của nó',
    en: 'Unit level does not fit its parent: districts belong to a province, communes to a province or a district (or an office of the same level); never under a lower level',
  },
  unitNeedsParent: { vi: 'Chỉ đơn vị cấp tỉnh mới không có đơn vị cấp trên', en: 'Only a province may have no parent unit' },
  unitNameTaken: { vi: 'Đã có đơn vị cùng tên trong đơn vị cấp trên này', en: 'A unit with this name already exists here' },
  unitCodeTaken: { vi: 'Mã đơn vị đã được dùng', en: 'This unit code is already used' },
  unitOutOfReach: {
    vi: 'Bạn chỉ tổ chức được cuộc họp của đơn vị mình và các đơn vị cấp dưới',
    en: 'You may only organise meetings of your own unit and the units below it',
  },
  unitInactive: { vi: 'Đơn vị đã ngừng hoạt động', en: 'This unit is inactive' },
  usernameTaken: { vi: 'Tên đăng nhập đã được dùng', en: 'This username is already taken' },
  cannotDeactivateSelf: { vi: 'Bạn không thể tự khóa tài khoản của mình', en: 'You cannot deactivate your own account' },
  cannotDemoteSelf: { vi: 'Bạn không thể tự bỏ quyền quản trị của mình', en: 'You cannot remove your own admin role' },
  meetingNotFound: { vi: 'Không tìm thấy cuộc họp', en: 'Meeting not found' },
  meetingClosed: { vi: 'Cuộc họp đã kết thúc, không thể thay đổi', en: 'The meeting is closed and can no longer be changed' },
  badTransition: { vi: 'Không thể chuyển cuộc họp từ "{from}" sang "{to}"', en: 'A meeting cannot go from "{from}" to "{to}"' },
  endsBeforeStart: { vi: 'Thời gian kết thúc phải sau thời gian bắt đầu', en: 'The end time must be after the start time' },
  participantExists: { vi: 'Người này đã có trong danh sách tham dự', en: 'This person already takes part in the meeting' },
  participantNotFound: { vi: 'Không tìm thấy người tham dự', en: 'Participant not found' },
  proxyIsSelf: { vi: 'Người được ủy quyền phải là người khác', en: 'A proxy must be someone else' },
  proxyNotVoter: { vi: 'Chỉ chủ tọa và đại biểu của phiên họp mới được ủy quyền hoặc nhận ủy quyền', en: 'Only the chair and delegates of this meeting may be represented or hold a proxy' },
  proxyNotPresent: { vi: 'Người nhận ủy quyền phải có mặt tại phiên họp', en: 'The proxy must be present at the meeting' },
  proxyForPresentMember: { vi: 'Đại biểu đang có mặt; hãy đánh dấu vắng mặt trước khi ủy quyền', en: 'This member is present; mark them absent before giving their proxy' },
  proxyHolderLeaving: { vi: 'Người này đang nhận ủy quyền của đại biểu khác; hãy chuyển ủy quyền trước', en: 'This member holds another member’s proxy; move the proxy first' },
  proxyWhilePollOpen: { vi: 'Không thể thay đổi ủy quyền khi đang có cuộc biểu quyết mở', en: 'Proxies cannot change while a poll is open' },
  userInactive: { vi: 'Tài khoản này đã bị khóa', en: 'This account is deactivated' },
  agendaItemNotFound: { vi: 'Không tìm thấy nội dung chương trình', en: 'Agenda item not found' },
  agendaReorderMismatch: {
    vi: 'Danh sách sắp xếp phải gồm đúng các nội dung hiện có của chương trình',
    en: 'The new order must list exactly the current agenda items',
  },
  documentNotFound: { vi: 'Không tìm thấy tài liệu', en: 'Document not found' },
  versionNotFound: { vi: 'Không tìm thấy phiên bản tài liệu', en: 'Document version not found' },
  agendaItemNotInMeeting: { vi: 'Nội dung chương trình không thuộc cuộc họp này', en: 'The agenda item is not part of this meeting' },
  uploadMalformed: { vi: 'Dữ liệu tải lên bị hỏng hoặc không đúng định dạng. Vui lòng chọn lại tệp và tải lên', en: 'The upload arrived broken or malformed. Choose the file and upload it again' },
  fileMissing: { vi: 'Chưa chọn tệp tài liệu', en: 'No file was sent' },
  fileTooLarge: { vi: 'Tệp quá lớn: tối đa {limit} MB', en: 'File too large: at most {limit} MB' },
  notPdf: { vi: 'Tệp không phải là PDF. Hãy chọn tệp PDF (hoặc Word khi máy chủ có LibreOffice)', en: 'This is not a PDF file. Choose a PDF (or a Word file when the server has LibreOffice)' },
  pdfEncrypted: { vi: 'Tệp PDF đang được đặt mật khẩu. Hãy gỡ mật khẩu rồi tải lên lại', en: 'The PDF is password protected. Remove the password and upload it again' },
  pdfCorrupt: { vi: 'Tệp PDF bị hỏng hoặc không đọc được', en: 'The PDF is damaged or cannot be read' },
  pdfJavascript: { vi: 'Tệp PDF có chứa mã JavaScript nên không được chấp nhận', en: 'The PDF contains JavaScript and is not accepted' },
  pdfEmpty: { vi: 'Tệp PDF không có trang nào', en: 'The PDF has no pages' },
  pdfLaunch: { vi: 'Tệp PDF có lệnh mở chương trình khác (Launch) nên không được chấp nhận', en: 'The PDF contains a Launch action (it starts other programs) and is not accepted' },
  pdfEmbeddedFile: { vi: 'Tệp PDF có đính kèm tệp khác bên trong nên không được chấp nhận; hãy tải tệp đính kèm lên riêng', en: 'The PDF carries embedded files and is not accepted; upload the attached files separately' },
  pdfXfa: { vi: 'Tệp PDF là biểu mẫu XFA nên không được chấp nhận; hãy in ra PDF thường', en: 'The PDF is an XFA form and is not accepted; print it to a plain PDF' },
  pdfTooManyPages: { vi: 'Tệp PDF có quá nhiều trang: tối đa {limit} trang', en: 'The PDF has too many pages: at most {limit}' },
  pdfPageTooLarge: { vi: 'Tệp PDF có trang khổ quá lớn: tối đa {limit} điểm (200 inch) mỗi chiều', en: 'The PDF has a page that is too large: at most {limit} points (200 inches) a side' },
  pdfImageTooLarge: { vi: 'Tệp PDF có hình ảnh quá lớn: tối đa {limit} triệu điểm ảnh', en: 'The PDF has an image that is too large: at most {limit} million pixels' },
  pdfStreamTooLarge: { vi: 'Tệp PDF có nội dung nén giải ra quá lớn: tối đa {limit} MB', en: 'The PDF has compressed content that expands too far: at most {limit} MB' },
  pdfTooComplex: { vi: 'Tệp PDF quá phức tạp để xử lý trong thời gian cho phép', en: 'The PDF is too complex to process in the time allowed' },
  pdfBusy: { vi: 'Máy chủ đang bận xử lý tài liệu, vui lòng thử lại sau ít giây', en: 'The server is busy processing documents; try again in a few seconds' },
  documentNotReadable: { vi: 'Bạn không có quyền đọc tài liệu này nên không thể trình chiếu', en: 'You may not read this document, so you cannot present it' },
  wordNeedsLibreOffice: {
    vi: 'Máy chủ chưa cài LibreOffice nên chưa chuyển được tệp Word. Hãy tải lên bản PDF (hoặc cài gói libreoffice-writer)',
    en: 'The server has no LibreOffice to convert Word files. Upload a PDF instead (or install libreoffice-writer)',
  },
  conversionFailed: { vi: 'Không chuyển được tệp sang PDF', en: 'The file could not be converted to PDF' },
  downloadNotAllowed: { vi: 'Tài liệu mật chỉ được xem, không được tải về', en: 'Confidential documents can be viewed but not downloaded' },
  readerNotParticipant: { vi: 'Người được chỉ định đọc phải là người tham dự cuộc họp', en: 'Named readers must take part in the meeting' },
  endpointNotFound: { vi: 'Không tìm thấy điểm cầu', en: 'Conference endpoint not found' },
  endpointAlreadyInMeeting: { vi: 'Điểm cầu này đã có trong cuộc họp', en: 'This endpoint already takes part in the meeting' },
  // — conference recording (issue 14) —
  recordingLowDisk: {
    vi: 'Không đủ dung lượng đĩa để ghi hình: còn trống {freeMb} MB, cần tối thiểu {minMb} MB. Hãy giải phóng dung lượng rồi thử lại',
    en: 'Not enough disk space to record: {freeMb} MB free, at least {minMb} MB needed. Free some space and try again',
  },
  recordingAlreadyRunning: { vi: 'Cuộc họp này đang được ghi hình', en: 'This conference is already being recorded' },
  recordingNotRunning: { vi: 'Cuộc họp này không đang được ghi hình', en: 'This conference is not being recorded' },
  recordingNoConference: { vi: 'Chưa có ai tham gia hội nghị truyền hình, chưa thể ghi hình', en: 'Nobody has joined the video conference yet: nothing to record' },
  recordingNoVideo: { vi: 'Chưa có hình ảnh để ghi: hãy bật camera của ít nhất một điểm cầu rồi thử lại', en: 'No video to record yet: turn on at least one camera and try again' },
  recordingUnavailable: { vi: 'Không khởi động được trình ghi hình (ffmpeg)', en: 'The recorder (ffmpeg) could not be started' },
  recordingNotFound: { vi: 'Không tìm thấy bản ghi hình', en: 'Recording not found' },
  recordingNotReady: { vi: 'Bản ghi hình chưa sẵn sàng để xem', en: 'The recording is not ready to play yet' },
  meetingNotInSession: { vi: 'Cuộc họp chưa bắt đầu hoặc đã kết thúc', en: 'The meeting is not in session' },
  meetingNotOpenForCheckIn: { vi: 'Chỉ điểm danh khi cuộc họp đã phát hành hoặc đang họp', en: 'Check-in opens once the meeting is published' },
  notAMember: { vi: 'Chỉ thành viên (chủ trì, thư ký, đại biểu) của cuộc họp mới thực hiện được', en: 'Only members of the meeting (chair, secretary, delegates) can do this' },
  proxyRequired: { vi: 'Hãy chọn người được ủy quyền', en: 'Choose the proxy' },
  alreadyInQueue: { vi: 'Bạn đã đăng ký phát biểu', en: 'You have already asked to speak' },
  notInQueue: { vi: 'Người này không có trong danh sách đăng ký phát biểu', en: 'This person is not in the speakers queue' },
  notSpeaking: { vi: 'Người này không đang phát biểu', en: 'This person does not have the floor' },
  noNextItem: { vi: 'Đây là nội dung cuối cùng của chương trình', en: 'This is the last agenda item' },
  noPresentation: { vi: 'Chưa trình chiếu tài liệu nào', en: 'No document is being presented' },
  pageOutOfRange: { vi: 'Số trang vượt quá số trang của tài liệu', en: 'The page number is beyond the end of the document' },
  documentNotInMeeting: { vi: 'Tài liệu không thuộc cuộc họp này', en: 'The document is not part of this meeting' },
  speakersReorderMismatch: { vi: 'Danh sách sắp xếp phải gồm đúng những người đang chờ phát biểu', en: 'The new order must list exactly the people waiting to speak' },
  rateLimited: { vi: 'Thao tác quá nhanh, vui lòng chờ một chút', en: 'Too many actions at once; please wait a moment' },
  commentsOnlyOnDrafts: { vi: 'Chỉ góp ý được vào dự thảo', en: 'Comments can only be sent on drafts' },
  pollNotFound: { vi: 'Không tìm thấy cuộc biểu quyết', en: 'Poll not found' },
  pollNotDraft: { vi: 'Cuộc biểu quyết đã được mở trước đó', en: 'The poll has already been opened' },
  pollNotOpen: { vi: 'Cuộc biểu quyết không mở (đã kết thúc hoặc chưa bắt đầu)', en: 'The poll is not open (closed or not started)' },
  pollNotClosed: { vi: 'Chỉ công bố kết quả sau khi kết thúc biểu quyết', en: 'Results are published only after the poll is closed' },
  pollNotPublished: { vi: 'Kết quả chưa được công bố', en: 'The result has not been published' },
  pollResultNotReady: { vi: 'Chưa có kết quả: cuộc biểu quyết chưa kết thúc', en: 'No result yet: the poll has not been closed' },
  quorumNotMet: { vi: 'Chưa đủ số thành viên tham dự theo quy định; chủ trì có thể mở biểu quyết nếu ghi rõ lý do', en: 'No quorum; the chair may open the poll with a recorded reason' },
  notEligible: { vi: 'Bạn không thuộc danh sách được biểu quyết', en: 'You are not eligible to vote in this poll' },
  notProxy: { vi: 'Bạn không được ủy quyền biểu quyết thay người này', en: 'You do not hold this member’s proxy' },
  alreadyVoted: { vi: 'Phiếu đã được ghi nhận; không thể biểu quyết lần nữa', en: 'Your vote is already recorded; you cannot vote again' },
  invalidChoice: { vi: 'Lựa chọn không hợp lệ', en: 'Invalid choice' },
  tooManyChoices: { vi: 'Chỉ được chọn tối đa {max} người', en: 'Choose at most {max} candidates' },
  candidatesRequired: { vi: 'Bầu cử cần danh sách ứng viên', en: 'An election needs candidates' },
  maxChoicesTooHigh: { vi: 'Số người được chọn không được vượt quá số ứng viên', en: 'Cannot choose more than there are candidates' },
  seatsTooHigh: { vi: 'Số người cần bầu không được vượt quá số ứng viên', en: 'Cannot elect more than there are candidates' },
  maxChoicesOverSeats: { vi: 'Mỗi phiếu chỉ được chọn tối đa bằng số người cần bầu', en: 'A ballot may approve at most as many candidates as there are seats' },
  paperOverrideReasonRequired: {
    vi: 'Cuộc biểu quyết đã có phiếu điện tử; muốn thay bằng kết quả phiếu giấy phải ghi rõ lý do',
    en: 'Ballots were already cast electronically; replacing them with paper counts needs a recorded reason',
  },
  paperReturnedOverIssued: { vi: 'Số phiếu thu về ({returned}) vượt quá số phiếu phát ra ({issued})', en: 'More ballots returned ({returned}) than issued ({issued})' },
  paperInvalidOverReturned: { vi: 'Số phiếu không hợp lệ vượt quá số phiếu thu về', en: 'More invalid ballots than ballots returned' },
  paperMotionSumMismatch: {
    vi: 'Tổng số phiếu tán thành, không tán thành và không biểu quyết ({sum}) phải bằng số phiếu hợp lệ ({valid})',
    en: 'Yes, no and abstain ({sum}) must add up to the valid ballots ({valid})',
  },
  paperVotesOverValid: { vi: 'Số phiếu của một ứng viên ({votes}) vượt quá số phiếu hợp lệ ({valid})', en: 'A candidate has more votes ({votes}) than there are valid ballots ({valid})' },
  paperApprovalsOverLimit: {
    vi: 'Tổng số phiếu bầu ({sum}) vượt quá số phiếu hợp lệ nhân với số người được chọn trên mỗi phiếu ({max})',
    en: 'The votes add up to {sum}, more than valid ballots times the candidates each may approve ({max})',
  },
  noTie: { vi: 'Kết quả không có ứng viên bằng phiếu ở vị trí cuối; không cần bầu lại', en: 'No candidates are tied at the last seat; there is nothing to repeat' },
  runoffExists: { vi: 'Đã tạo cuộc bầu lại cho kết quả này', en: 'A run-off for this result already exists' },
  customThresholdRequired: { vi: 'Ngưỡng tùy chỉnh cần tử số và mẫu số hợp lệ', en: 'A custom threshold needs a valid fraction' },
  displayCodeUnknown: { vi: 'Mã ghép nối không đúng. Hãy xem lại mã trên màn hình chiếu', en: 'Wrong pairing code. Check the code on the hall display' },
  displayCodeExpired: { vi: 'Mã ghép nối đã hết hạn. Màn hình chiếu sẽ hiện mã mới, hãy nhập mã đó', en: 'The pairing code has expired. Enter the new code the hall display shows' },
  displayPairThrottled: {
    vi: 'Nhập sai mã ghép nối quá nhiều lần. Vui lòng thử lại sau {minutes} phút',
    en: 'Too many wrong pairing codes. Please try again in {minutes} minutes',
  },
  displayNotFound: { vi: 'Không tìm thấy màn hình chiếu', en: 'Hall display not found' },
  displayUnpaired: { vi: 'Màn hình chiếu này chưa được ghép nối', en: 'This hall display is not paired' },
  displayNoMeeting: { vi: 'Màn hình chiếu chưa được gắn với cuộc họp nào', en: 'This hall display is not assigned to a meeting' },
  displayWrongMeeting: { vi: 'Màn hình chiếu chỉ hiển thị cuộc họp đã được gắn', en: 'This hall display shows only the meeting it is assigned to' },
  displayNotPresenting: { vi: 'Hiện không trình chiếu tài liệu nào', en: 'No document is being presented' },
  bodyTooLarge: { vi: 'Dữ liệu gửi lên quá lớn', en: 'Request body too large' },
  badJson: { vi: 'Dữ liệu gửi lên không phải JSON hợp lệ', en: 'Request body is not valid JSON' },
  unsupportedMediaType: { vi: 'Định dạng dữ liệu không được hỗ trợ', en: 'Unsupported content type' },
  // Digital signatures (wt-sign): what a signer is told when a certificate or a signing service cannot sign.
  signKeystoreInvalid: { vi: 'Tệp chứng thư số không phải là kho khóa PKCS#12 (.p12/.pfx) hợp lệ', en: 'The file is not a valid PKCS#12 keystore (.p12/.pfx)' },
  signPassphraseWrong: { vi: 'Mật khẩu kho khóa chứng thư số không đúng', en: 'Wrong keystore passphrase' },
  signKeystoreNoKey: { vi: 'Kho khóa không chứa khóa bí mật và chứng thư số tương ứng', en: 'The keystore holds no private key with its certificate' },
  signCertificateExpired: { vi: 'Chứng thư số đã hết hạn (hết hạn ngày {date})', en: 'The certificate has expired (on {date})' },
  signCertificateNotYetValid: { vi: 'Chứng thư số chưa có hiệu lực (có hiệu lực từ ngày {date})', en: 'The certificate is not valid yet (valid from {date})' },
  signCertificateNoSigningUsage: { vi: 'Chứng thư số không được phép dùng để ký số (thiếu mục đích ký số / chống chối bỏ)', en: 'The certificate may not be used for signing (no digitalSignature / nonRepudiation key usage)' },
  signKeyAlgorithmUnsupported: { vi: 'Loại khóa của chứng thư số không được hỗ trợ (chỉ RSA hoặc ECDSA)', en: 'Unsupported key type (RSA or ECDSA only)' },
  signRemoteTimeout: { vi: 'Dịch vụ ký số từ xa không phản hồi kịp thời. Vui lòng thử lại sau', en: 'The remote signing service did not answer in time. Please try again later' },
  signRemoteRefused: { vi: 'Dịch vụ ký số từ xa từ chối yêu cầu ký: {reason}', en: 'The remote signing service refused to sign: {reason}' },
  signRemoteUnavailable: { vi: 'Không kết nối được dịch vụ ký số từ xa', en: 'Could not reach the remote signing service' },
  signTimestampFailed: { vi: 'Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian: {reason}', en: 'Could not get a timestamp from the timestamp authority: {reason}' },
  signPdfUnsupported: { vi: 'Không ký được tệp PDF này: {reason}', en: 'This PDF cannot be signed: {reason}' },
  signPdfInvalid: { vi: 'Tệp không phải là PDF hợp lệ', en: 'The file is not a valid PDF' },
  // — official documents (issue 12: rendering, number register) —
  issuedDocumentNotFound: { vi: 'Không tìm thấy văn bản đã ban hành', en: 'Issued document not found' },
  signatureAlreadyComplete: { vi: 'Văn bản đã được ký đủ, không thể ký thêm', en: 'The document already carries every signature' },
  signatureSlotTaken: { vi: 'Chữ ký này đã được ký rồi', en: 'This signature has already been made' },
  signatureOutOfOrder: { vi: 'Chưa đến lượt ký: thư ký ký trước, chủ trì ký sau', en: 'Not your turn to sign yet: the secretary signs first, then the chair' },
  signatureNotYourSlot: { vi: 'Bạn không phải người ký ở vị trí này của văn bản', en: 'You are not the signer of this signature slot' },
  signKeystoreMissing: { vi: 'Hãy chọn tệp chứng thư số (.p12/.pfx) và nhập mật khẩu', en: 'Choose a certificate file (.p12/.pfx) and enter its passphrase' },
  signRemoteNotConfigured: { vi: 'Chưa cấu hình dịch vụ ký số từ xa', en: 'No remote signing service is configured' },
  trustedRootInvalid: { vi: 'Tệp không phải chứng thư số gốc (PEM) hợp lệ', en: 'The file is not a valid root certificate (PEM)' },
  trustedRootExists: { vi: 'Chứng thư số gốc này đã có trong danh sách tin cậy', en: 'This root certificate is already trusted' },
  trustedRootNotFound: { vi: 'Không tìm thấy chứng thư số gốc', en: 'Trusted root not found' },
  officialDocumentTypeCode: { vi: 'Ký hiệu loại văn bản không hợp lệ (ví dụ: BB, TB, GM)', en: 'The document type code is not valid (e.g. BB, TB, GM)' },
  officialDocumentInvalidDate: { vi: 'Ngày của văn bản không hợp lệ', en: 'The document date is not valid' },
  internal: { vi: 'Đã có lỗi hệ thống. Vui lòng thử lại sau', en: 'Something went wrong on the server. Please try again later' },
  // --- the meeting's record: minutes and conclusion notice (issue 12, wt-outcome) ---
  recordVersionNotFound: { vi: 'Không tìm thấy phiên bản dự thảo', en: 'Draft version not found' },
  recordVersionStale: { vi: 'Dự thảo đã có phiên bản mới hơn; hãy tải lại trước khi lưu hoặc duyệt', en: 'The draft has a newer version; reload before saving or approving' },
  recordFactEdited: { vi: 'Không được sửa nội dung lấy từ diễn biến cuộc họp; hãy lập lại từ dữ liệu cuộc họp', en: 'Facts taken from the meeting record cannot be edited; rebuild them from the record' },
  recordNotApproved: { vi: 'Văn bản chưa được chủ trì duyệt', en: 'The document has not been approved by the chair yet' },
  recordTaskNotFound: { vi: 'Không tìm thấy nhiệm vụ', en: 'Task not found' },
} as const satisfies Record<string, Record<Locale, string>>;

export type ErrorKey = keyof typeof errorMessages;

export function translate(key: ErrorKey, locale: Locale, params: Record<string, string | number> = {}): string {
  return errorMessages[key][locale].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/** Field names as people know them; unknown fields are shown by their raw name. */
const fieldLabels: Record<string, Record<Locale, string>> = {
  username: { vi: 'Tên đăng nhập', en: 'Username' },
  password: { vi: 'Mật khẩu', en: 'Password' },
  fullName: { vi: 'Họ và tên', en: 'Full name' },
  title: { vi: 'Chức vụ', en: 'Position' },
  email: { vi: 'Thư điện tử', en: 'Email' },
  phone: { vi: 'Số điện thoại', en: 'Phone' },
  unitId: { vi: 'Đơn vị', en: 'Unit' },
  role: { vi: 'Vai trò', en: 'Role' },
  active: { vi: 'Trạng thái hoạt động', en: 'Active' },
  locale: { vi: 'Ngôn ngữ', en: 'Language' },
  name: { vi: 'Tên', en: 'Name' },
  level: { vi: 'Cấp', en: 'Level' },
  parentId: { vi: 'Đơn vị cấp trên', en: 'Parent unit' },
  code: { vi: 'Mã', en: 'Code' },
  id: { vi: 'Mã định danh', en: 'Id' },
  q: { vi: 'Từ khóa tìm kiếm', en: 'Search text' },
  kind: { vi: 'Loại', en: 'Kind' },
  organizerUnitId: { vi: 'Đơn vị tổ chức', en: 'Organising unit' },
  startsAt: { vi: 'Thời gian bắt đầu', en: 'Start time' },
  endsAt: { vi: 'Thời gian kết thúc', en: 'End time' },
  location: { vi: 'Địa điểm', en: 'Location' },
  membershipTotal: { vi: 'Tổng số thành viên', en: 'Total membership' },
  seat: { vi: 'Số ghế', en: 'Seat' },
  proxyUserId: { vi: 'Người được ủy quyền', en: 'Proxy' },
  presenterUserId: { vi: 'Người trình bày', en: 'Presenter' },
  presenterName: { vi: 'Người trình bày', en: 'Presenter' },
  plannedMinutes: { vi: 'Thời lượng dự kiến (phút)', en: 'Planned minutes' },
  description: { vi: 'Mô tả', en: 'Description' },
  itemIds: { vi: 'Thứ tự nội dung', en: 'Item order' },
  to: { vi: 'Trạng thái mới', en: 'New status' },
  confidentiality: { vi: 'Độ mật', en: 'Confidentiality' },
  audience: { vi: 'Phạm vi được đọc', en: 'Who may read' },
  agendaItemId: { vi: 'Nội dung chương trình', en: 'Agenda item' },
  readerIds: { vi: 'Người được đọc', en: 'Named readers' },
  file: { vi: 'Tệp tài liệu', en: 'File' },
  version: { vi: 'Phiên bản', en: 'Version' },
  endpointId: { vi: 'Điểm cầu', en: 'Endpoint' },
  accountUserIds: { vi: 'Tài khoản của điểm cầu', en: 'Endpoint accounts' },
  limit: { vi: 'Số dòng', en: 'Limit' },
  offset: { vi: 'Vị trí bắt đầu', en: 'Offset' },
  seats: { vi: 'Số người cần bầu', en: 'Seats to fill' },
  maxChoices: { vi: 'Số người được chọn tối đa trên mỗi phiếu', en: 'Most candidates per ballot' },
  ballotsReturned: { vi: 'Số phiếu thu về', en: 'Ballots returned' },
  ballotsInvalid: { vi: 'Số phiếu không hợp lệ', en: 'Invalid ballots' },
  counts: { vi: 'Số phiếu', en: 'Counts' },
  overrideReason: { vi: 'Lý do thay kết quả điện tử', en: 'Reason for replacing the electronic result' },
  proxiesCountForQuorum: { vi: 'Tính người được ủy quyền vào số lượng tham dự', en: 'Represented members count toward the quorum' },
};

const typeNames: Record<string, Record<Locale, string>> = {
  string: { vi: 'chuỗi ký tự', en: 'text' },
  integer: { vi: 'số nguyên', en: 'a whole number' },
  number: { vi: 'số', en: 'a number' },
  boolean: { vi: 'đúng/sai', en: 'true or false' },
  object: { vi: 'đối tượng', en: 'an object' },
  array: { vi: 'danh sách', en: 'a list' },
  null: { vi: 'rỗng', en: 'empty' },
};

export function fieldLabel(field: string, locale: Locale): string {
  if (field === '') return locale === 'vi' ? 'Dữ liệu' : 'Input';
  const last = field.split('.').at(-1) ?? field;
  const label = fieldLabels[last]?.[locale];
  return label === undefined ? `"${field}"` : `${label} (${field})`;
}

export function describeIssue(issue: ValidationIssue, locale: Locale): string {
  const label = fieldLabel(issue.field, locale);
  const vi = locale === 'vi';
  const n = issue.expected;
  switch (issue.rule) {
    case 'required':
      return vi ? `${label}: bắt buộc phải nhập` : `${label}: is required`;
    case 'unknown':
      return vi ? `${label}: trường này không được chấp nhận` : `${label}: is not an accepted field`;
    case 'type': {
      const type = typeNames[String(n)]?.[locale] ?? String(n);
      return vi ? `${label}: phải là ${type}` : `${label}: must be ${type}`;
    }
    case 'minLength':
      return vi ? `${label}: phải có ít nhất ${n} ký tự` : `${label}: must have at least ${n} characters`;
    case 'maxLength':
      return vi ? `${label}: không được dài quá ${n} ký tự` : `${label}: must have at most ${n} characters`;
    case 'minimum':
      return vi ? `${label}: không được nhỏ hơn ${n}` : `${label}: must be at least ${n}`;
    case 'maximum':
      return vi ? `${label}: không được lớn hơn ${n}` : `${label}: must be at most ${n}`;
    case 'maxItems':
      return vi ? `${label}: quá nhiều phần tử (tối đa ${n})` : `${label}: has too many items (at most ${n})`;
    case 'maxDepth':
      return vi ? `${label}: lồng nhau quá sâu (tối đa ${n} cấp)` : `${label}: is nested too deeply (at most ${n} levels)`;
    case 'format':
    case 'pattern':
      return vi ? `${label}: không đúng định dạng` : `${label}: has the wrong format`;
    case 'enum':
      return vi ? `${label}: giá trị không được phép` : `${label}: is not an allowed value`;
    default:
      return vi ? `${label}: không hợp lệ` : `${label}: is invalid`;
  }
}

export function pickLocale(cookieLang: string | undefined, acceptLanguage: string | undefined): Locale {
  if (cookieLang === 'vi' || cookieLang === 'en') return cookieLang;
  if (acceptLanguage !== undefined) {
    for (const part of acceptLanguage.split(',')) {
      const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
      if (tag.startsWith('vi')) return 'vi';
      if (tag.startsWith('en')) return 'en';
    }
  }
  return 'vi';
}
