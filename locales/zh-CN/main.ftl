# Kenning — 简体中文界面文字。
brand = Kenning 知识铺
locale-en = English
locale-zh-CN = 简体中文

## Navigation and layout
nav-catalog = 全部内容
nav-library = 我的学习
nav-studio = 创作者中心
nav-login = 登录
nav-register = 注册
nav-logout = 退出登录
nav-signed-in-as = 已登录：{ $name }
footer-language = 语言
footer-currency = 币种
footer-apply = 应用
footer-tagline = Kenning —— 向真正懂行的人学习。
footer-api = API 文档

## Home
home-title = 首页
home-headline = 向真正懂行的人学习
home-lead = 独立创作者的课程、电子书、音频专栏和专业报告。免费试看，一次购买，持续学习。
home-latest = 最新上架
home-browse-all = 浏览全部内容

## Catalog
catalog-title = 全部内容
catalog-filter-kind = 类型
catalog-filter-language = 语言
catalog-filter-any = 不限
catalog-filter-apply = 筛选
catalog-count = 共 { $count } 件
catalog-empty = 这里还没有内容。
pager-previous = ← 上一页
pager-next = 下一页 →
pager-page = 第 { $page } 页
price-free = 免费

## Product kinds
kind-course = 课程
kind-ebook = 电子书
kind-audio_series = 音频专栏
kind-live_session = 直播
kind-report = 专业报告
kind-consultation = 付费咨询
kind-circle = 付费社群
kind-bundle = 组合套餐
kind-membership = 会员订阅

## Product statuses
status-draft = 草稿
status-published = 已发布
status-unpublished = 已下架

## Product page
product-by = 作者：{ $name }
product-lesson-count = 共 { $count } 课时
product-buy = 立即购买
product-get-free = 免费领取
product-owned = 你已拥有此内容。
product-start = 开始学习
product-edit = 编辑
product-contents = 目录
product-not-published = 此内容尚未发布，只有你能看到。
product-published-on = { $date }发布
product-purchased = 购买成功！已加入你的学习库。

## Lessons
lesson-title = 课时
lesson-preview-badge = 免费试看
lesson-next = 下一课 →
locked-title = 此课时需购买后学习
locked-body = 购买《{ $product }》即可学习本课时及全部内容。
locked-buy = { $price } 立即获取
locked-drip-title = 此课时尚未解锁
lesson-opens-on = { $date } 解锁
lesson-opens-after = 购买 { $days } 天后解锁
field-release = 何时向学员开放？
field-release-now = 购买后立即开放
field-release-days = 购买后第几天开放
field-release-date = 指定日期开放（UTC）
live-title = 直播间
live-duration = { $minutes } 分钟
live-starts-in = 距开播还有
live-days-short = 天
live-now = 正在直播
live-ended = 本场直播已结束。
live-replay = 回放
live-open-stream = 打开直播流
live-chat = 聊天
live-questions = 提问
live-ask-as-question = 作为提问发送
live-send = 发送
live-pin = 置顶
live-unpin = 取消置顶
live-pinned = 已置顶
live-mark-answered = 标记为已回答
live-answered = 已回答
live-question = 提问
live-disconnected = 连接已断开，正在重连…
live-enter = 进入直播间
live-seats-left = 剩余 { $count } 个席位
live-ticket-title = 进入直播间需要门票
live-ticket-body = 只有持票人才能观看本场直播并参与聊天。
live-included-in = 购买《{ $product }》即送门票
live-included-session = 含一场直播：{ $date }
studio-live-schedule = 直播安排
studio-live-replay-hint = 直播结束后，把录像上传到本场的某个课时，持票人即可观看回放。
field-live-starts = 开播时间（UTC）
field-live-duration = 时长（分钟）
field-live-capacity = 席位数（留空则不限）
field-live-included-in = 同时赠送给以下商品的购买者
field-live-stream-url = 直播地址（HLS、RTMP 或会议链接）
mark-line-order = 授权给 { $name } · 订单 { $order } · 请勿传播
mark-line-account = 授权给 { $name } · 账号 { $account } · 请勿传播
certificate-title = 结业证书
certificate-preamble = 兹证明
certificate-completed = 已完成以下课程的全部课时
certificate-lessons = 共 { $count } 课时
certificate-verification = 证书编号 { $code }
certificate-verified = 本证书由本平台颁发，以下信息已存档可查。
certificate-download = 下载 PDF
certificate-yours = 我的证书
certificate-earned = 你已完成全部课时，证书已生成。
media-kind-video = 视频
media-kind-audio = 音频
media-kind-pdf = PDF
media-kind-epub = EPUB
file-size-kb = { $size } KB
file-size-mb = { $size } MB
coupon-placeholder = 优惠码（选填）
checkout-coupon = 优惠码 { $code }
checkout-processing = 银行正在确认付款，本页面会自动刷新。
studio-coupons = 优惠码
studio-coupons-intro = 优惠码可为您的某个商品或全部商品减免一定比例或固定金额，过期或用完即失效。
studio-coupon-create = 创建优惠码
field-coupon-code = 优惠码
field-coupon-product = 适用商品
field-coupon-all-products = 我的全部商品
field-coupon-percent = 折扣百分比（1–99）
field-coupon-max-uses = 可用次数（留空不限）
field-coupon-expires = 截止日期（UTC，选填）
coupon-uses = 已使用 { $uses } 次
coupon-uses-of = 已使用 { $uses } / { $max } 次
coupon-off-percent = 减 { $percent }%
coupon-none = 还没有优惠码。
membership-title = 我的会员
gift-title = 一份礼物
gift-buy-as = 作为礼物赠送
gift-to-placeholder = 对方的邮箱
gift-message-placeholder = 留言（选填）
gift-sent = 已付款。请把此链接发给 { $email }：对方用这个邮箱登录即可领取。
gift-link = 领取链接
gift-from = 来自 { $name }：
gift-for = 赠予 { $email }
gift-claim = 领取礼物
gift-claimed = 这份礼物已被领取。
gift-not-paid = 这份礼物尚未付款。
gift-login = 登录后领取
bundle-includes = 本套餐包含：
bundle-owned = 已拥有
bundle-your-price = 你已拥有套餐中的部分内容，只需支付 { $price }。
sale-ends-in = 限时折扣剩余
studio-sale = 限时折扣
field-sale-percent = 折扣百分比（1–90）
field-sale-ends = 结束时间（UTC）
studio-sale-start = 开始折扣
studio-sale-end = 立即结束折扣
membership-per-monthly = 按月续费
membership-per-yearly = 按年续费
membership-grants = 会员包含：
membership-member-until = 你的会员有效期至 { $date }。
membership-manage = 管理
membership-renews-on = { $date } 自动续费
membership-ends-on = 已取消：{ $date } 到期
membership-past-due = 续费失败：重试期间可用至 { $date }
membership-ended = 已结束
membership-cancel = 到期后取消
membership-resume = 保留会员
studio-membership = 会员权益
field-membership-interval = 续费周期
field-membership-all = 我发布的全部内容（含以后发布的）
field-membership-products = 或以下商品

## Accounts
register-title = 创建账号
login-title = 登录
field-email = 邮箱
field-password = 密码
field-display-name = 昵称
register-password-hint = 至少 10 个字符。
register-submit = 注册
login-submit = 登录
register-have-account = 已有账号？
login-no-account = 还没有账号？

## Checkout and library
checkout-title = 确认订单
checkout-product = 商品
checkout-order = 订单号
checkout-total = 应付金额
checkout-pay = 支付 { $total }
checkout-already-paid = 此订单已支付。
checkout-released = 你已拥有此订单所购内容，订单已取消，未扣任何款项。
checkout-go-to-product = 查看内容
checkout-sandbox-hint = 沙箱支付：卡号 4242 4242 4242 4242 支付成功，4000 0000 0000 0002 会被拒绝，4000 0000 0000 3220 稍后由银行确认。不会产生真实扣款。
field-card-number = 卡号
library-title = 我的学习
library-empty = 你还没有购买任何内容。
library-since = { $date } 起拥有

## Creator studio
studio-title = 创作者中心
studio-new-product = 新建内容
studio-empty = 你还没有创建任何内容。
studio-save-draft = 保存草稿
studio-save = 保存修改
studio-details = 基本信息
studio-view = 查看页面
studio-publish = 发布
studio-unpublish = 下架
studio-cover = 封面图片
studio-cover-hint = PNG、JPEG、WebP 或 GIF，最大 { $max } MB
studio-upload = 上传
studio-add-chapter = 添加章节
studio-add-lesson = 添加课时
field-title = 标题
field-kind = 类型
field-status = 状态
field-price = 价格
field-title-en = 标题（英文）
field-title-zh = 标题（中文）
field-description-en = 简介（英文，Markdown）
field-description-zh = 简介（中文，Markdown）
field-price-cny = 人民币价格
field-price-usd = 美元价格
field-price-hint = 两个价格都留空即为免费内容。
field-tags = 标签（用逗号分隔）
field-chapter = 章节
field-body-en = 正文（英文，Markdown）
field-body-zh = 正文（中文，Markdown）
field-preview = 免费试看：所有人都可以阅读本课时

## Search
nav-search-placeholder = 搜索课程、电子书…
search-title = 搜索
search-words = 关键词
search-sort = 排序
search-sort-relevance = 相关度
search-sort-newest = 最新
search-sort-price_low = 价格从低到高
search-sort-price_high = 价格从高到低
search-submit = 搜索
search-in-your-lessons = 在你可阅读的课时中
search-count = 找到 { $count } 条结果

## Recommendations
home-for-you = 为你推荐
home-popular = 大家都在学
product-also-bought = 购买此内容的人还买了
reason-because-bought = 因为你购买了《{ $title }》
reason-because-viewed = 因为你看过《{ $title }》
reason-picked-for-you = 根据你的学习记录为你精选
reason-also-bought = 同一批学员也购买了
reason-popular = 学员热门之选

## Errors (page)
error-title = 出了点问题
error-home = 返回首页

## Formatting
number-group-separator = ,
number-decimal-separator = .
date-format = { $year }年{ $month }月{ $day }日
datetime-format = { $date } { $time }（UTC）
month-1 = 1月
month-2 = 2月
month-3 = 3月
month-4 = 4月
month-5 = 5月
month-6 = 6月
month-7 = 7月
month-8 = 8月
month-9 = 9月
month-10 = 10月
month-11 = 11月
month-12 = 12月
currency-CNY = ¥
currency-USD = US$
currency-EUR = €
currency-GBP = £
currency-JPY = JP¥

# Reviews
product-rating = ★ { $average }（{ $count } 条评分）
reviews-title = 用户评价
reviews-none = 还没有评价。
review-rating = 你的评分
review-stars = { $count } 星
review-body = 你的评价（可选）
review-submit = 发表评价
review-update = 更新评价
search-sort-rating = 评分最高
search-rating = 评分
search-min-rating = { $count } 星及以上

# Learning
lesson-speed = 倍速
lesson-resuming = 已从上次的位置继续播放。
lesson-download = 下载
lesson-done = 已学完
lesson-mark-done = 标记为已学完
studio-attach-media = 上传视频、音频、PDF 或 EPUB 文件：
studio-attach-submit = 上传
library-progress = 已完成 { $percent }%
library-continue = 继续学习
library-feed = 你的专属播客订阅地址
library-feed-help = 把这个地址粘贴到任意播客应用中。它只属于你；如果泄露了，请更换。
library-feed-rotate = 更换订阅地址
xapi-verb-registered = 已报名
xapi-verb-progressed = 学习中
xapi-verb-completed = 已完成

## 税费、币种与收据
tax-included = 含 { $rate } 税（{ $country }）
tax-added = 结账时另加 { $rate } 税（{ $country }）
price-converted = 按当前汇率由 { $from } 换算
checkout-country = 所在国家/地区
referral-share = 分享此链接，每笔由此带来的成交可得 { $rate } 佣金：
receipt-title = 收据
receipt-item = 商品
receipt-converted = 换算自
receipt-net = 不含税金额
receipt-tax-included = 税费 { $rate }（{ $country }），已含
receipt-tax = 税费 { $rate }（{ $country }）
receipt-total = 实付金额
receipt-paid-with = 支付方式
receipt-card = 尾号 { $last4 } 的银行卡
receipt-other-method = 支付服务商
receipt-refunded-on = { $date } 退款
receipt-seller = 卖家：{ $name }
receipt-billed-to = 付款人：{ $name }
receipt-country = 国家/地区：{ $country }
receipt-number = 收据编号：{ $number }
receipt-tax-id = 税号：{ $id }
receipt-creator = 代 { $name } 销售
receipt-footer = 订单 { $order }
receipt-download = 下载 PDF
receipt-print-hint = 也可以直接打印本页。

## 收益、分销与结算
nav-earnings = 收益
earnings-title = 收益
earnings-saved = 已保存。
earnings-csv = 下载 CSV
earnings-none = 本月没有应付给你或已付给你的款项。
earnings-opening = 月初待结算
earnings-earned = 本月收入
earnings-refunded = 退款扣回
earnings-paid-out = 已结算
earnings-closing = 月末待结算
earnings-kind-sale = 销售
earnings-kind-refund = 退款
earnings-kind-payout = 结算
earnings-role-creator = 创作者
earnings-role-cocreator = 联合创作者
earnings-role-partner = 合作伙伴
earnings-role-affiliate = 分销者
earnings-referral = 你的推广链接
earnings-referral-intro = 在任意链接后加上 ?ref= 和你的推广码。创作者开启分销后，你推荐的人购买时，你可获得其设定的佣金。
earnings-program = 你的分销计划
earnings-program-intro = 你付给推荐人的佣金（按每笔税后成交额的百分比），以及点击链接后多少天内购买仍然计入。填 0 即关闭。
field-affiliate-percent = 佣金（%）
field-affiliate-days = 链接有效天数
earnings-contracts = 利益分配协议
earnings-contract-all = 全部商品
earnings-payouts = 结算
field-payout-currency = 币种（留空表示全部）
field-payout-minimum = 最低结算额（整数单位）
earnings-run-payouts = 给所有达到最低额的人结算
studio-cocreators = 联合创作者
studio-cocreators-intro = 每行一位：邮箱地址和分成比例（按每笔扣除税费和平台费后的金额计算的百分比），例如 "coauthor@example.com 30"。对方需要有账号。
lesson-buy-alone = 单独购买本课：{ $price }
lesson-alone-price = 单课 { $price }
studio-lesson-alone = 单独售价
checkout-hosted-hint = 你将在支付服务商的安全页面完成付款，然后回到这里。

## 付费问答
nav-questions = 问答
questions-title = 付费问答
questions-inbox = 向你提的问题
questions-inbox-empty = 还没有付费问题。
questions-mine = 我提的问题
questions-none = 你还没有提过问题。
question-field = 你的问题
question-promise = 七天内书面回答，逾期未答自动全额退款。
question-sent = 问题已发给创作者，回答会显示在这里。
question-due = 等待回答，截止 { $date }
question-answered-on = { $date } 已回答
question-refunded = 已退款：未在期限内回答
question-unpaid = 尚未付款
question-answer = 提交回答
library-lessons = 单独购买的课时
orders-title = 订单记录
orders-none = 还没有订单。
order-status-paid = 已付款
order-status-refunded = 已退款
order-status-partly-refunded = 部分退款
order-status-processing = 等待银行确认
order-status-pending = 未付款
order-status-released = 已取消：你已拥有
rates-title = 税率与汇率
rates-currencies = 币种
rates-currencies-intro = 商品若没有某币种的标价，就按此表把它的第一个价格换算过去，并按这里的方式向上取整。每个币种的价格要么含税，要么在结账时另加税。
rates-per-usd = 每美元兑
rates-rounding = 取整方式
rates-tax-inclusive = 价格含税
rates-add = 添加
rates-tax = 按买家国家征收的数字商品税
rates-tax-intro = 向各国家/地区买家收取的税率。未列出的国家/地区不收税。
rounding-exact = 到分
rounding-whole = 到元
rounding-ninety_nine = 到 .99
rounding-tens = 到十位
studio-sales = 销售记录
sales-intro = 你的商品的已付款订单。付款后 14 天内可全额或部分退款；全额退款后买家将失去访问权限。
sales-none = 还没有销售。
sales-refunded = 已退款。
sales-refunded-amount = 已退 { $amount }
sales-amount = 退款金额
sales-reason = 原因（选填）
sales-refund = 退款

## Background jobs (operators)
jobs-title = 后台任务
jobs-intro = 会员续费、未回答问题的退款、收据编号和搜索索引都以任务方式运行。失败的任务会以逐渐加长的间隔重试；重试八次后，它会在这里等待你处理。
jobs-none = 这里没有任务。
jobs-kind = 任务
jobs-status = 状态
jobs-attempts = 尝试次数
jobs-when = 时间
jobs-error = 最近错误
jobs-retry = 重试
jobs-status-failed = 失败
jobs-status-queued = 排队中
jobs-status-running = 运行中
jobs-status-done = 已完成
jobs-status-all = 全部
jobs-kind-renewals = 到期会员续费
jobs-kind-renew = 续费单个会员
jobs-kind-question_refunds = 到期未回答问题的退款
jobs-kind-refund_question = 退款单个未回答问题
jobs-kind-number_receipts = 收据编号
jobs-kind-reindex_search = 重建搜索索引
jobs-kind-prune = 清理旧记录

## 邮件
mail-greeting = { $name }，你好：
mail-footer = 你收到这封邮件，是因为你在本 Kenning 学校的账户。如果不是你本人的操作，请忽略此邮件。
mail-verify-email-subject = 请验证你的邮箱
mail-verify-email-body = 欢迎！请确认这个邮箱属于你，以便收到收据、礼物链接和问答回复。

    链接三天内有效。
mail-verify-email-action = 验证我的邮箱
mail-reset-password-subject = 重置你的密码
mail-reset-password-body = 有人（希望是你）申请重置你账户的密码。请通过下面的链接设置新密码。

    链接只能使用一次，一小时内有效。如果不是你申请的，请忽略此邮件，你的密码不会改变。
mail-reset-password-action = 设置新密码
mail-confirm-new-email-subject = 请确认你的新邮箱
mail-confirm-new-email-body = 你申请把这个邮箱用作账户邮箱。确认后它将替换原来的邮箱。

    链接三天内有效。
mail-confirm-new-email-action = 使用这个邮箱
mail-password-changed-subject = 你的密码已修改
mail-password-changed-body = 你账户的密码刚刚被修改，其他所有登录都已退出。

    如果这不是你本人的操作，请立即通过下面的链接重置密码。
mail-password-changed-action = 重置我的密码

## 账户：找回与设置
nav-home = 首页
nav-account = 账户
field-new-password = 新密码
field-current-password = 当前密码
login-forgot = 忘记密码？
forgot-title = 忘记密码
forgot-intro = 请输入账户邮箱，我们会发送一个设置新密码的链接。
forgot-submit = 发送链接
forgot-sent = 如果有账户使用这个邮箱，设置新密码的链接已经发出，一小时内有效。如果没有收到，请检查垃圾邮件。
forgot-back-to-login = 返回登录
reset-title = 设置新密码
reset-submit = 保存新密码
reset-done = 密码已修改，所有设备都已退出登录。请用新密码登录。
verify-title = 验证邮箱
verify-done = 谢谢，你的邮箱已验证。
verify-ask-again = 你可以在账户页面重新申请链接。
confirm-email-title = 确认新邮箱
confirm-email-intro = 点击按钮，今后使用这个邮箱作为账户邮箱。
confirm-email-submit = 使用这个邮箱
confirm-email-done = 你的账户已改用新邮箱。
confirm-email-ask-again = 你可以在账户页面重新申请。
settings-title = 我的账户
settings-profile = 个人资料
settings-mail-language = 邮件语言
settings-save = 保存
settings-profile-saved = 个人资料已保存。
settings-email-verified = 已验证
settings-email-unverified = 尚未验证
settings-resend-verification = 重新发送验证链接
settings-new-email = 新邮箱
settings-change-email = 更换邮箱
settings-email-sent = 链接已发出。点击链接之前不会有任何改变。
settings-change-password = 修改密码
settings-password-saved = 密码已修改，其他设备都已退出登录。
settings-sessions = 登录的设备
settings-session-since = 登录于 { $date }
settings-session-current = 当前设备
settings-end-other-sessions = 退出其他所有设备
settings-sessions-ended = 其他设备都已退出登录。

## 运营后台
admin-title = 运营后台
admin-intro = 管理学校：每一次运营操作与资金变动的审计日志、结算打款、税率与汇率，以及后台任务。
admin-recent = 最近操作
admin-payouts = 结算打款
audit-title = 审计日志
audit-intro = 每一次运营操作和资金变动：谁、何时、做了什么、变更前后的状态。记录永不修改或删除。
audit-action = 操作
audit-any = 全部
audit-target = 对象
audit-from = 起始日期
audit-until = 截止日期
audit-apply = 筛选
audit-csv = 导出 CSV
audit-none = 暂无记录。
audit-when = 时间
audit-actor = 操作人
audit-change = 变更
audit-before = 变更前
audit-after = 变更后
audit-reason = 原因
audit-older = 更早的记录
audit-system = Kenning（自动）
audit-action-tax_rate_set = 设置税率
audit-action-exchange_rate_set = 设置汇率
audit-action-payouts_run = 结算打款
audit-action-order_refunded = 订单退款
audit-action-role_changed = 更改角色
audit-action-account_suspended = 停用账户
audit-action-account_restored = 恢复账户
audit-action-product_unpublished = 下架商品
audit-action-creator_approved = 批准创作者
audit-action-creator_declined = 拒绝创作者
audit-action-job_retried = 重试任务
audit-action-search_reindexed = 重建搜索
audit-action-clock_advanced = 调整测试时钟
nav-admin = 后台
