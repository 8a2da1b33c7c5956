org-search = 搜索组织名称或信用代码
org-tree = 组织树
org-children = 下级组织
org-none = 暂无下级组织
org-name = 组织名称
org-kind = 组织类型
org-region = 行政区划
org-region_code = 行政区划代码
org-industry = 行业
org-uscc = 统一社会信用代码
org-status = 状态
org-founded_on = 建会日期
org-subtree = 下辖组织
org-preparing = 筹建中
org-founded = 已建会
org-closed = 已撤销
org-checklist = 建会流程
org-save = 保存
org-create_child = 新建下级组织
org-create = 新建
org-edit = 修改信息
org-move = 调整隶属关系
org-move_to = 新的上级组织（名称或编号）
org-status_change = 变更状态
org-mark_founded = 标记为已建会
org-close = 撤销组织
org-none_selected = （无）
org-results = 搜索结果
org-id = 编号
org-created = 已创建
org-saved = 已保存
org-overdue = 下辖工会有 { $count } 份入会申请已超过审核时限，请督促办理。
org-contact = 联系方式
org-contact_help = 显示在职工的入会进度页和会员卡页上，职工据此联系本工会。

contact-phone = 联系电话
contact-address = 地址
contact-phone_is = 联系电话 { $phone }
contact-address_is = 地址 { $address }
contact-none = 该工会尚未登记联系方式，可联系上级工会。

## Errors: `error-<code>` for a field, `problem-<code>` for a whole request.

error-checklist-step_unknown = 未知的建会步骤“{ $step }”
error-checklist-future_date = “{ $step }”的完成日期不能晚于今天
error-industry-unknown = 未知行业：{ $code }
error-org-checklist_incomplete = 建会流程尚未完成（已完成 { $done }/9 步），不能标记为已建会
error-org-close_scope_root = 不能撤销您所在的组织
error-org-contact_phone = 联系电话只能包含数字、空格、横线和括号，例如 025-84512345
error-org-illegal_transition = 不能从“{ $from }”变为“{ $to }”
error-org-import_closed = 不能导入已撤销的组织
error-org-kind_unknown = 请选择组织类型
error-org-move_cycle = 不能把组织移到它自己或它的下级组织之下
error-org-move_scope_root = 不能移动您所在的组织或根组织
error-org-open_children = 该组织下还有 { $open } 个未撤销的下级组织，请先处理
error-org-parent_closed = 上级组织已撤销
error-org-parent_kind = “{ $kind }”不能设在“{ $parent }”之下
error-org-parent_not_found = 上级组织不存在或不在您的管理范围内
error-org-parent_required = 请选择上级组织
error-org-status_unknown = 未知的状态“{ $status }”
error-region_code-bad_parent = 上级代码 { $parent } 不是该街道所属的已知区县
error-region_code-duplicate_row = 代码 { $code } 在文件中重复出现
error-region_code-format = 行政区划代码应为 6 位（县级及以上）或 9 位（街道、乡镇）数字
error-region_code-not_street = 只能导入 9 位街道、乡镇代码
error-region_code-unknown = 行政区划代码 { $code } 不存在
error-uscc-check_char = 统一社会信用代码校验位不正确，请核对后重新输入
error-uscc-format = 统一社会信用代码只能包含数字和除 I、O、S、V、Z 以外的大写字母
error-uscc-length = 统一社会信用代码应为 18 位
error-uscc-not_union_prefix = 提示：登记为工会法人的基层工会，统一社会信用代码通常以 81 开头
error-uscc-region = 统一社会信用代码第 3 至 8 位应为登记管理机关行政区划码
error-uscc-taken = 该统一社会信用代码已被另一个组织使用

## Field labels, as error messages name them.

label-contact_address = 办公地址
label-name = 名称
label-new_parent = 新的上级组织
label-org_name = 组织名称
